import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Streamer from '#models/streamer'
import Notification from '#models/notification'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import twitchConfig from '#config/twitch'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import { NOTIFICATION_TYPES } from '#services/notifications/notification_service'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { startQueryCounter } from '#tests/helpers/query_counter'
import { connectedStreamer, refreshCalls, tokenTestGroup } from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

async function reload(streamer: Streamer) {
  return Streamer.findOrFail(streamer.id)
}

test.group('Token refresh: success', (group) => {
  tokenTestGroup(group, NOW)

  test('stores the rotated tokens and the tracking columns in one write', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ minutes: 20 }),
      tokenRefreshFailedAt: NOW.minus({ hours: 2 }),
    })
    const oldRefreshToken = streamer.refreshToken!
    const service = await app.container.make(StreamerRefresher)

    const counter = startQueryCounter()
    const outcome = await service.refreshStreamer(streamer, { trigger: 'command' })
    counter.stop()

    assert.equal(outcome.status, 'refreshed')
    assert.equal(refreshCalls(twitchUser.id), 1)
    // One re-read under the lock, one UPDATE.
    assert.deepEqual(
      counter.statements.map((sql) => sql.split(' ')[0].toLowerCase()),
      ['select', 'update']
    )

    const stored = await reload(streamer)
    assert.notEqual(stored.refreshToken, oldRefreshToken)
    assert.equal(stored.tokenExpiresAt!.toMillis(), NOW.plus({ seconds: 14_400 }).toMillis())
    assert.equal(stored.lastTokenRefreshAt!.toMillis(), NOW.toMillis())
    assert.isNull(stored.tokenRefreshFailedAt)
    // The model the caller holds follows the stored state.
    assert.equal(streamer.accessToken, stored.accessToken)

    // The new pair works at "Twitch"; the old refresh token is dead.
    const oauth = new TwitchOAuthClient()
    assert.isNotNull(await oauth.validate(stored.accessToken!))
    await assert.rejects(() => oauth.refresh(oldRefreshToken), /Invalid refresh token/)
  })

  test('asks /validate for the expiry when Twitch leaves expires_in out', async ({ assert }) => {
    const { streamer } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.omitExpiresInOnRefresh(true)
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.equal(outcome.status, 'refreshed')
    const stored = await reload(streamer)
    assert.isNotNull(stored.tokenExpiresAt)
    // /validate counts down from the real issue time: within a few seconds of 4 h.
    assert.closeTo(stored.tokenExpiresAt!.diff(NOW).as('seconds'), 14_400, 10)
  })

  test('token_expires_at comes from expires_in: a 5407 s token expires 5407 s after the refresh', async ({
    assert,
  }) => {
    twitchEmulator.state.setLifetime(5407)
    const { streamer } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.equal(outcome.status, 'refreshed')
    assert.include(outcome.reason, '1h30m')
    const stored = await reload(streamer)
    assert.equal(stored.tokenExpiresAt!.toMillis(), NOW.plus({ seconds: 5407 }).toMillis())
    // Twitch agrees: /validate counts down from the same lifetime.
    const validation = await new TwitchOAuthClient().validate(stored.accessToken!)
    assert.closeTo(validation!.expiresIn, 5407, 5)
  })

  test('skips a token that is not due, without calling Twitch; --force refreshes it', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ hours: 4, minutes: 1 }),
    })
    const service = await app.container.make(StreamerRefresher)

    const skipped = await service.refreshStreamer(streamer)
    assert.equal(skipped.status, 'skipped')
    assert.equal(refreshCalls(twitchUser.id), 0)

    const forced = await service.refreshStreamer(streamer, { force: true })
    assert.equal(forced.status, 'refreshed')
    assert.equal(refreshCalls(twitchUser.id), 1)
  })
})

test.group('Token refresh: permanent failures', (group) => {
  const fixture = tokenTestGroup(group, NOW)

  test('a first failure sets token_refresh_failed_at, keeps the streamer active, notifies nobody', async ({
    assert,
  }) => {
    const { streamer, twitchUser, gm } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 400 })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.equal(outcome.status, 'failed')
    assert.include(outcome, { kind: 'permanent', deactivated: false })
    assert.include(outcome.reason, 'Invalid refresh token')
    const stored = await reload(streamer)
    assert.isTrue(stored.isActive)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
    const rows = await Notification.query().whereIn('user_id', [streamer.userId, gm!.id])
    assert.lengthOf(rows, 0)
  })

  test('a second failure within 30 min deactivates, clears the column and notifies the streamer and every GM', async ({
    assert,
  }) => {
    const { streamer, twitchUser, gm, campaign } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW,
    })
    // A second campaign with another GM where the streamer is an active member
    // (without a running authorization), and a third where the invitation is pending.
    const otherGm = await UserFactory.create()
    const otherCampaign = await CampaignFactory.merge({ ownerId: otherGm.id }).create()
    await CampaignMembershipFactory.apply('notGranted')
      .merge({ campaignId: otherCampaign.id, streamerId: streamer.id })
      .create()
    const pendingGm = await UserFactory.create()
    const pendingCampaign = await CampaignFactory.merge({ ownerId: pendingGm.id }).create()
    await CampaignMembershipFactory.apply('pending')
      .merge({ campaignId: pendingCampaign.id, streamerId: streamer.id })
      .create()

    twitchEmulator.state.revokeRefresh(twitchUser.id)
    const clock = fixture.clock
    const service = await app.container.make(StreamerRefresher)

    const first = await service.refreshStreamer(streamer)
    assert.include(first, { status: 'failed', deactivated: false })

    clock.advance({ minutes: 16 })
    const second = await service.refreshStreamer(streamer)

    assert.include(second, { status: 'failed', kind: 'permanent', deactivated: true })
    const stored = await reload(streamer)
    assert.isFalse(stored.isActive)
    assert.isNull(stored.tokenRefreshFailedAt)

    const rows = await Notification.query()
      .whereIn('user_id', [streamer.userId, gm!.id, otherGm.id, pendingGm.id])
      .orderBy('id')
    assert.deepEqual(
      rows.map((row) => [row.userId, row.type]),
      [
        [streamer.userId, NOTIFICATION_TYPES.reconnectRequired],
        [gm!.id, NOTIFICATION_TYPES.streamerDisconnected],
        [otherGm.id, NOTIFICATION_TYPES.streamerDisconnected],
      ]
    )
    assert.match(rows[0].url!, /^https?:\/\/[^/]+\/auth\/twitch\/redirect$/)
    assert.match(rows[1].url!, new RegExp(`/campaigns/${campaign!.id}$`))
    assert.match(rows[2].url!, new RegExp(`/campaigns/${otherCampaign.id}$`))
    assert.include(rows[1].title, streamer.twitchDisplayName)
  })

  test('a failure older than 30 min counts as a first again', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW,
      tokenRefreshFailedAt: NOW.minus({ minutes: 30 }),
    })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 401 })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.include(outcome, { status: 'failed', kind: 'permanent', deactivated: false })
    const stored = await reload(streamer)
    assert.isTrue(stored.isActive)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test('no stored refresh token is a permanent failure without a call to Twitch', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    streamer.refreshTokenEncrypted = null
    await streamer.save()
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.include(outcome, { status: 'failed', kind: 'permanent' })
    assert.include(outcome.reason, 'no refresh token')
    assert.equal(refreshCalls(twitchUser.id), 0)
    const stored = await reload(streamer)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test('a deactivated streamer is not refreshed', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW,
      isActive: false,
    })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer, { force: true })

    assert.include(outcome, { status: 'failed', kind: 'permanent', deactivated: false })
    assert.equal(refreshCalls(twitchUser.id), 0)
  })
})

test.group('Token refresh: transient failures', (group) => {
  const fixture = tokenTestGroup(group, NOW)

  test('{$self} never deactivates, even repeated, and leaves no mark')
    .with([503, 500, 429] as const)
    .run(async ({ assert }, status) => {
      const { streamer, twitchUser } = await connectedStreamer({
        now: NOW,
        tokenExpiresAt: NOW,
        tokenRefreshFailedAt: NOW.minus({ minutes: 40 }),
      })
      twitchEmulator.state.failRefresh(twitchUser.id, { status, retryAfterSeconds: 0 })
      const clock = fixture.clock
      const service = await app.container.make(StreamerRefresher)

      for (let run = 0; run < 3; run++) {
        const outcome = await service.refreshStreamer(streamer)
        assert.include(outcome, { status: 'failed', kind: 'transient', deactivated: false })
        clock.advance({ minutes: 5 })
      }

      // 3 runs × 3 attempts each (backoff inside the attempt).
      assert.equal(refreshCalls(twitchUser.id), 9)
      const stored = await reload(streamer)
      assert.isTrue(stored.isActive)
      assert.equal(stored.tokenRefreshFailedAt!.toMillis(), NOW.minus({ minutes: 40 }).toMillis())

      // Twitch now refuses the token: that is a *first* failure, not a second.
      twitchEmulator.state.failRefresh(twitchUser.id, { status: 400 })
      const permanent = await service.refreshStreamer(streamer)
      assert.include(permanent, { status: 'failed', kind: 'permanent', deactivated: false })
      const afterPermanent = await reload(streamer)
      assert.isTrue(afterPermanent.isActive)
    })

  test('a timeout is transient and is queued for the sweep', async ({ assert }) => {
    app.container.swap(
      TwitchOAuthClient,
      () => new TwitchOAuthClient({ ...twitchConfig, timeoutMs: 150 })
    )
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 'timeout', times: 3 })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.include(outcome, { status: 'failed', kind: 'transient' })
    assert.include(outcome.reason, 'did not answer')
    const stored = await reload(streamer)
    assert.isTrue(stored.isActive)
    assert.isNull(stored.tokenRefreshFailedAt)
    const retryAt = await new TransientRetryQueue().retryAt(streamer.id)
    // Five minutes after the last attempt (the backoff moved the clock by 5 + 10 ms).
    assert.equal(retryAt, NOW.plus({ minutes: 5, milliseconds: 15 }).toMillis())
  })

  test('a transient failure is retried inside the attempt, honouring Retry-After', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 429, times: 1, retryAfterSeconds: 1 })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.equal(outcome.status, 'refreshed')
    assert.equal(refreshCalls(twitchUser.id), 2)
    // The second call waited Twitch's Retry-After (1 s) on the services' clock.
    const stored = await reload(streamer)
    assert.equal(stored.lastTokenRefreshAt!.toMillis(), NOW.plus({ seconds: 1 }).toMillis())
    assert.isNull(await new TransientRetryQueue().retryAt(streamer.id))
  })

  test('without a hint the attempts back off exponentially on the clock, then give up', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 502 })
    const service = await app.container.make(StreamerRefresher)

    const outcome = await service.refreshStreamer(streamer)

    assert.include(outcome, { status: 'failed', kind: 'transient', deactivated: false })
    assert.include(outcome.reason, '502')
    assert.include(outcome.reason, '3 attempts')
    assert.equal(refreshCalls(twitchUser.id), 3)
    // Fast settings: 5 ms, then 10 ms between the three attempts.
    assert.equal(fixture.clock.now().toMillis(), NOW.plus({ milliseconds: 15 }).toMillis())
  })
})

/**
 * Refusals that are our configuration's fault, answered for real by the
 * emulator: a wrong client secret (403) and a wrong OAuth address (404).
 */
const MISCONFIGURED_CLIENTS = {
  '403 (wrong client secret)': () =>
    new TwitchOAuthClient({ ...twitchConfig, clientSecret: 'not-the-client-secret' }),
  '404 (wrong OAuth address)': () =>
    new TwitchOAuthClient({ ...twitchConfig, oauthUrl: `${twitchEmulator.url}/oauth2/v0` }),
}

test.group('Token refresh: refusals that are not the streamer’s fault (403, 404)', (group) => {
  const fixture = tokenTestGroup(group, NOW)

  test('a {$self} never counts toward deactivation, even twice in 30 min, and leaves no mark')
    .with(Object.keys(MISCONFIGURED_CLIENTS) as (keyof typeof MISCONFIGURED_CLIENTS)[])
    .run(async ({ assert }, refusal) => {
      const status = refusal.slice(0, 3)
      app.container.swap(TwitchOAuthClient, MISCONFIGURED_CLIENTS[refusal])
      const { streamer, twitchUser } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
      const oldRefreshToken = streamer.refreshToken!
      const service = await app.container.make(StreamerRefresher)

      const first = await service.refreshStreamer(streamer)
      fixture.clock.advance({ minutes: 16 })
      const second = await service.refreshStreamer(streamer)

      for (const outcome of [first, second]) {
        assert.include(outcome, { status: 'failed', kind: 'transient', deactivated: false })
        assert.include(outcome.reason, `Twitch answered ${status}`)
        // Not retried inside the attempt: waiting does not fix a configuration.
        assert.include(outcome.reason, '(1 attempt)')
      }
      const stored = await reload(streamer)
      assert.isTrue(stored.isActive)
      assert.isNull(stored.tokenRefreshFailedAt)
      const rows = await Notification.query().where('user_id', streamer.userId)
      assert.lengthOf(rows, 0)
      assert.isNotNull(await new TransientRetryQueue().retryAt(streamer.id))

      // The refresh token was never spent: with the right settings it still works.
      app.container.restore(TwitchOAuthClient)
      const configured = await app.container.make(StreamerRefresher)
      const repaired = await configured.refreshStreamer(streamer)
      assert.equal(repaired.status, 'refreshed')
      const repairedRow = await reload(streamer)
      assert.notEqual(repairedRow.refreshToken, oldRefreshToken)
      assert.equal(refreshCalls(twitchUser.id), 1)
    })

  test('a 403 keeps an earlier first failure as it was: no deactivation, no new mark', async ({
    assert,
  }) => {
    app.container.swap(TwitchOAuthClient, MISCONFIGURED_CLIENTS['403 (wrong client secret)'])
    const firstFailure = NOW.minus({ minutes: 10 })
    const { streamer } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW,
      tokenRefreshFailedAt: firstFailure,
    })
    const service = await app.container.make(StreamerRefresher)

    await service.refreshStreamer(streamer)
    fixture.clock.advance({ minutes: 5 })
    const outcome = await service.refreshStreamer(streamer)

    assert.include(outcome, { status: 'failed', deactivated: false })
    const stored = await reload(streamer)
    assert.isTrue(stored.isActive)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), firstFailure.toMillis())
  })
})
