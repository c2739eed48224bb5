import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Streamer from '#models/streamer'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { TwitchTransientError } from '#services/twitch/twitch_errors'
import {
  StreamerTokenRunner,
  StreamerTokenUnavailableError,
} from '#services/tokens/streamer_token_runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { connectedStreamer, refreshCalls, tokenTestGroup } from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

test.group('Reactive refresh on a Helix 401', (group) => {
  tokenTestGroup(group, NOW)

  test('a 401 refreshes through the policy, updates the tracking columns and retries once', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ hours: 3 }),
    })
    twitchEmulator.state.invalidateAccess(twitchUser.id)
    const runner = await app.container.make(StreamerTokenRunner)
    const helix = new TwitchHelixClient()
    const tokensUsed: string[] = []

    const user = await runner.run(streamer, (token) => {
      tokensUsed.push(token)
      return helix.getCurrentUser(token)
    })

    assert.equal(user.id, twitchUser.id)
    assert.lengthOf(tokensUsed, 2)
    assert.notEqual(tokensUsed[0], tokensUsed[1])
    assert.equal(refreshCalls(twitchUser.id), 1)
    const stored = await Streamer.findOrFail(streamer.id)
    assert.equal(stored.accessToken, tokensUsed[1])
    assert.equal(stored.lastTokenRefreshAt!.toMillis(), NOW.toMillis())
    assert.equal(stored.tokenExpiresAt!.toMillis(), NOW.plus({ seconds: 14_400 }).toMillis())
  })

  test('a 401 and a refused refresh: the caller learns the streamer must reconnect', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW })
    twitchEmulator.state.invalidateAccess(twitchUser.id)
    twitchEmulator.state.revokeRefresh(twitchUser.id)
    const runner = await app.container.make(StreamerTokenRunner)
    const helix = new TwitchHelixClient()
    let calls = 0

    const error = await runner
      .run(streamer, (token) => {
        calls++
        return helix.getCurrentUser(token)
      })
      .catch((caught: unknown) => caught)

    assert.instanceOf(error, StreamerTokenUnavailableError)
    assert.isTrue((error as StreamerTokenUnavailableError).needsReconnect)
    assert.equal(calls, 1)
    const stored = await Streamer.findOrFail(streamer.id)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test('other Helix errors pass through without a refresh', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW })
    twitchEmulator.state.failHelix(twitchUser.id, { status: 503, times: 1 })
    const runner = await app.container.make(StreamerTokenRunner)
    const helix = new TwitchHelixClient()

    await assert.rejects(
      () => runner.run(streamer, (token) => helix.getCurrentUser(token)),
      TwitchTransientError
    )
    assert.equal(refreshCalls(twitchUser.id), 0)
  })

  test('an expired token is refreshed before the call', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.minus({ minutes: 1 }),
    })
    const runner = await app.container.make(StreamerTokenRunner)
    const helix = new TwitchHelixClient()

    const user = await runner.run(streamer, (token) => helix.getCurrentUser(token))

    assert.equal(user.login, twitchUser.login)
    assert.equal(refreshCalls(twitchUser.id), 1)
  })
})
