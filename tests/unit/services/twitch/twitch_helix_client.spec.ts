import { test } from '@japa/runner'
import twitchConfig from '#config/twitch'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import {
  TwitchPermanentError,
  TwitchTransientError,
  TwitchUnauthorizedError,
} from '#services/twitch/twitch_errors'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

test.group('TwitchHelixClient', (group) => {
  const helix = new TwitchHelixClient({ ...twitchConfig, timeoutMs: 1500 })

  group.each.setup(() => twitchEmulator.state.reset())

  test('reads the token user and users by login', async ({ assert }) => {
    const { accessToken } = twitchEmulator.state.issueTokens('1001')

    const me = await helix.getCurrentUser(accessToken)
    assert.equal(me.id, '1001')
    assert.equal(me.login, 'aria_plays')
    assert.equal(me.broadcasterType, 'partner')

    const found = await helix.getUsersByLogin(accessToken, ['bram_rolls', 'nobody_by_that_name'])
    assert.deepEqual(
      found.map((user) => user.login),
      ['bram_rolls']
    )
  })

  test('a dead access token answers TwitchUnauthorizedError', async ({ assert }) => {
    const { accessToken } = twitchEmulator.state.issueTokens('1001')
    twitchEmulator.state.invalidateAccess('1001')

    const error = await helix.getCurrentUser(accessToken).catch((e) => e)
    assert.instanceOf(error, TwitchUnauthorizedError)
    assert.equal(error.kind, 'permanent')
  })

  test('creates, reads and ends a poll, reporting the rate-limit bucket', async ({ assert }) => {
    const { accessToken } = twitchEmulator.state.issueTokens('1002')

    const created = await helix.createPoll(accessToken, {
      broadcasterId: '1002',
      title: 'Open the door?',
      choices: ['Yes', 'No'],
      durationSeconds: 60,
    })
    assert.equal(created.data.status, 'ACTIVE')
    assert.lengthOf(created.data.choices, 2)
    assert.isAbove(created.rateLimit!.limit, 0)
    assert.isAbove(created.rateLimit!.resetAt, Date.now() - 1000)

    twitchEmulator.state.castVotes(created.data.id, 0, 5)
    const read = await helix.getPolls(accessToken, '1002', [created.data.id])
    assert.equal(read.data[0].choices[0].votes, 5)

    const ended = await helix.endPoll(accessToken, '1002', created.data.id)
    assert.equal(ended.data.status, 'TERMINATED')
  })

  test('Twitch refusing a poll is permanent, with its message', async ({ assert }) => {
    const { accessToken } = twitchEmulator.state.issueTokens('1005')
    const plain = twitchEmulator.state.users.get('1005')
    assert.equal(plain?.broadcasterType, '')

    const error = await helix
      .createPoll(accessToken, {
        broadcasterId: '1005',
        title: 'Open the door?',
        choices: ['Yes', 'No'],
        durationSeconds: 60,
      })
      .catch((e) => e)
    assert.instanceOf(error, TwitchPermanentError)
    assert.isString(error.twitchMessage)
  })

  test('a 5xx from Helix is transient', async ({ assert }) => {
    const { accessToken } = twitchEmulator.state.issueTokens('1001')
    twitchEmulator.state.failHelix('1001', { status: 500 })

    const error = await helix.getCurrentUser(accessToken).catch((e) => e)
    assert.instanceOf(error, TwitchTransientError)
    assert.equal(error.status, 500)
  })
})
