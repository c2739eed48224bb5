import { test } from '@japa/runner'
import type Streamer from '#models/streamer'
import { printable } from '#services/twitch/printable_text'
import { streamerLabel } from '#services/tokens/refresh_outcome'

test.group('printable (Twitch text bound for a terminal or a log)', () => {
  test('line breaks cannot start a forged line', ({ assert }) => {
    assert.equal(printable('Evil\nSuccess: 999\r\nFailed: 0'), 'EvilSuccess: 999Failed: 0')
    assert.equal(printable('a\u2028b\u2029c\u0085d'), 'abcd')
  })

  test('escape sequences are removed whole, not left as "[31m"', ({ assert }) => {
    assert.equal(printable('\u001b[31mRed\u001b[0m Name'), 'Red Name')
    assert.equal(printable('cursor\u001b[2K\u001b[1Aup'), 'cursorup')
    assert.equal(printable('\u001b]0;new title\u0007Name'), 'Name')
    assert.equal(printable('\u009b31mC1'), '31mC1')
    assert.equal(printable('bell\u0007 tab\t nul\u0000 del\u007f'), 'bell tab nul del')
  })

  test('bidirectional overrides cannot reorder what a reader sees', ({ assert }) => {
    assert.equal(printable('abc\u202edcba\u202c\u2066x\u2069'), 'abcdcbax')
  })

  test('ordinary names, accents and emoji are kept', ({ assert }) => {
    assert.equal(printable('Zoë_Plays 🎲 日本'), 'Zoë_Plays 🎲 日本')
    assert.equal(printable(null), '')
    assert.equal(printable(undefined), '')
  })

  test('the label naming a streamer in the log and the command is printable', ({ assert }) => {
    const streamer = { twitchDisplayName: 'A\n[TokenRefresh] forged\u001b[0m', twitchLogin: 'a\rb' }
    assert.equal(streamerLabel(streamer as Streamer), 'A[TokenRefresh] forged (ab)')
  })
})
