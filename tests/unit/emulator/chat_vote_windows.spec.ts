import { test } from '@japa/runner'
import { readAnnouncement } from '#emulator/chat_vote_windows'
import { announcementMessages, resultMessages } from '#services/chat_votes/chat_announcement'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'
import { translator } from '#services/i18n/translator'

/**
 * How the auto-chatters read the app's messages: a question opens a chat
 * vote, results close it, whatever words the question itself holds.
 */
test.group('Emulator: reading the app’s chat messages', () => {
  test('{text} reads as {reading}')
    .with([
      { text: 'Vote: Open it? · 1 = Yes · 2 = No · 60 s to vote', reading: 'vote' },
      { text: 'Vote: Who is the winner of the duel? · 1 = Ser Anna · 2 = Bolt', reading: 'vote' },
      { text: 'Vote: Accept the result? · 1 = Yes · 2 = No', reading: 'vote' },
      {
        text: 'Results (all channels): Open it? · 1 = Yes 57% (4) · 2 = No 43% (3)',
        reading: 'results',
      },
      { text: 'winner: Yes', reading: 'results' },
      { text: 'Results are in!', reading: 'results' },
      { text: '1 = Yes only', reading: 'nothing' },
      { text: 'gg everyone', reading: 'nothing' },
    ])
    .run(({ assert }, { text, reading }) => {
      assert.equal(readAnnouncement(text)?.kind ?? 'nothing', reading)
    })

  test('{0}: the question Chorus posts opens a vote even when its title speaks of a winner')
    .with(SUPPORTED_LOCALES.map((locale) => [locale]))
    .run(({ assert }, [locale]) => {
      const i18n = translator(locale)
      for (const seconds of [120, 90]) {
        const [question] = announcementMessages(i18n, {
          title: 'Who is the winner of the duel?',
          choices: ['Ser Anna', 'Bolt', 'Nobody'],
          durationSeconds: seconds,
        })
        assert.deepEqual(readAnnouncement(question), { kind: 'vote', choices: 3, seconds })
      }

      const [result] = resultMessages(i18n, 'Who is the winner of the duel?', [
        { title: 'Ser Anna', votes: 4 },
        { title: 'Bolt', votes: 3 },
        { title: 'Nobody', votes: 0 },
      ])
      assert.deepEqual(readAnnouncement(result), { kind: 'results' })
    })
})
