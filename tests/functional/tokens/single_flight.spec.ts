import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Streamer from '#models/streamer'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { connectedStreamer, refreshCalls, tokenTestGroup } from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

test.group('Token refresh: single flight', (group) => {
  tokenTestGroup(group, NOW)
  // Slow "Twitch", so the callers really overlap (set back after each test).
  group.each.setup(() => twitchEmulator.state.setLatency(150))

  test('two concurrent refreshes with rotating refresh tokens: one Twitch call, both succeed', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    // Two callers, each with its own service and its own copy of the row,
    // as a grant and the scheduler would have.
    const [serviceA, serviceB] = [
      await app.container.make(StreamerRefresher),
      await app.container.make(StreamerRefresher),
    ]
    const copyA = await Streamer.findOrFail(streamer.id)
    const copyB = await Streamer.findOrFail(streamer.id)

    const outcomes = await Promise.all([
      serviceA.refreshStreamer(copyA, { trigger: 'grant' }),
      serviceB.refreshStreamer(copyB, { trigger: 'scheduler' }),
    ])

    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['refreshed', 'refreshed']
    )
    assert.sameMembers(
      outcomes.map((outcome) => outcome.status === 'refreshed' && outcome.concurrent),
      [true, false]
    )
    assert.equal(refreshCalls(twitchUser.id), 1)

    // Both callers hold the token that is stored, and it works.
    const stored = await Streamer.findOrFail(streamer.id)
    assert.equal(copyA.accessToken, stored.accessToken)
    assert.equal(copyB.accessToken, stored.accessToken)
    assert.isNotNull(await new TwitchOAuthClient().validate(stored.accessToken!))
  })

  test('five concurrent forced refreshes still make one call', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW })
    const service = await app.container.make(StreamerRefresher)
    const copies = await Promise.all(
      Array.from({ length: 5 }, () => Streamer.findOrFail(streamer.id))
    )

    const outcomes = await Promise.all(
      copies.map((copy) => service.refreshStreamer(copy, { force: true, trigger: 'helix_401' }))
    )

    assert.isTrue(outcomes.every((outcome) => outcome.status === 'refreshed'))
    assert.equal(refreshCalls(twitchUser.id), 1)
  })

  test('a waiter does not turn a permanent failure into a second one', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 400 })
    const service = await app.container.make(StreamerRefresher)
    const copies = [await Streamer.findOrFail(streamer.id), await Streamer.findOrFail(streamer.id)]

    const outcomes = await Promise.all(copies.map((copy) => service.refreshStreamer(copy)))

    assert.isTrue(outcomes.every((outcome) => outcome.status === 'failed'))
    assert.isFalse(outcomes.some((outcome) => outcome.status === 'failed' && outcome.deactivated))
    assert.equal(refreshCalls(twitchUser.id), 1)
    const stored = await Streamer.findOrFail(streamer.id)
    assert.isTrue(stored.isActive)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test('a caller that comes after a finished refresh re-reads and skips a fresh token', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    const service = await app.container.make(StreamerRefresher)
    const stale = await Streamer.findOrFail(streamer.id)

    await service.refreshStreamer(streamer)
    // `stale` still says "expired"; under the lock the row says otherwise.
    const outcome = await service.refreshStreamer(stale)

    assert.equal(outcome.status, 'refreshed')
    assert.isTrue(outcome.status === 'refreshed' && outcome.concurrent)
    assert.equal(refreshCalls(twitchUser.id), 1)
    assert.equal(stale.accessToken, streamer.accessToken)
  })
})
