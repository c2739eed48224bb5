import { test } from '@japa/runner'
import { CLIENT, helixGet, newEmulator, readJson } from './helpers.js'
import type { HelixErrorBody } from './helpers.js'

interface ChannelsBody {
  data: Record<string, unknown>[]
}

test.group('Twitch emulator | Helix channel information', (group) => {
  const emulator = newEmulator({ clients: [CLIENT] })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => emulator.state.reset())

  test('gives each channel’s language; the seeded streamers speak five', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const ids = ['1001', '1002', '1003', '1004', '1005', '9999']
    const response = await helixGet(
      emulator,
      `/channels?${ids.map((id) => `broadcaster_id=${id}`).join('&')}`,
      accessToken
    )
    const body = await readJson<ChannelsBody>(response)
    assert.equal(response.status, 200)
    assert.deepEqual(
      body.data.map((channel) => [channel.broadcaster_login, channel.broadcaster_language]),
      [
        ['aria_plays', 'fr'],
        ['bram_rolls', 'en'],
        ['cass_casts', 'es'],
        ['dorian_dm', 'de'],
        ['plain_pat', 'pt'],
      ]
    )
    assert.containsSubset(body.data[0], { broadcaster_id: '1001', broadcaster_name: 'Aria_Plays' })
  })

  test('a user made through the control API has the language asked for, else English', async ({
    assert,
  }) => {
    const made = emulator.state.createUser({ login: 'kenji_rolls', broadcasterLanguage: 'ja' })
    const plain = emulator.state.createUser({ login: 'plain_jane' })
    const { accessToken } = emulator.state.issueTokens(made.id)
    const body = await readJson<ChannelsBody>(
      await helixGet(
        emulator,
        `/channels?broadcaster_id=${made.id}&broadcaster_id=${plain.id}`,
        accessToken
      )
    )
    assert.deepEqual(
      body.data.map((channel) => channel.broadcaster_language),
      ['ja', 'en']
    )
    assert.throws(() =>
      emulator.state.createUser({ login: 'bad_lang', broadcasterLanguage: 'French' })
    )
  })

  test('without broadcaster_id or without a token it refuses', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const missing = await helixGet(emulator, '/channels', accessToken)
    assert.equal(missing.status, 400)
    const error = await readJson<HelixErrorBody>(missing)
    assert.match(error.message, /broadcaster_id/)
    const anonymous = await helixGet(emulator, '/channels?broadcaster_id=1001', 'not-a-token')
    assert.equal(anonymous.status, 401)
  })
})
