import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Streamer from '#models/streamer'
import Notification from '#models/notification'
import { RefreshSelection } from '#services/tokens/refresh_selection'
import { TokenRefreshScheduler } from '#services/tokens/token_refresh_scheduler'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  allStreamers,
  connectedStreamer,
  refreshCalls,
  tokenTestGroup,
} from '#tests/helpers/token_fixtures'
import { buildInjected } from '#providers/injected_singleton'

const NOW = DateTime.now().startOf('second')

test.group('Retry sweep', (group) => {
  tokenTestGroup(group, NOW)

  test('picks up first failures 15 to 30 minutes old, and only those', async ({ assert }) => {
    const failedMinutesAgo = async (minutes: number | null, isActive = true) => {
      const { streamer } = await connectedStreamer({
        now: NOW,
        isActive,
        tokenRefreshFailedAt: minutes === null ? null : NOW.minus({ minutes }),
      })
      return streamer.id
    }
    const never = await failedMinutesAgo(null)
    const tooRecent = await failedMinutesAgo(14.9)
    const atFifteen = await failedMinutesAgo(15)
    const atTwenty = await failedMinutesAgo(20)
    const atAlmostThirty = await failedMinutesAgo(29.9)
    const atThirty = await failedMinutesAgo(30)
    const old = await failedMinutesAgo(45)
    const inactive = await failedMinutesAgo(20, false)
    const selection = await app.container.make(RefreshSelection)

    const retried = await allStreamers(await selection.needingRetry())

    const ids = retried.map((streamer) => streamer.id)
    assert.deepEqual(ids, [atFifteen, atTwenty, atAlmostThirty])
    for (const excluded of [never, tooRecent, atThirty, old, inactive]) {
      assert.notInclude(ids, excluded)
    }
  })

  test('also picks up transient failures once their retry time has come', async ({ assert }) => {
    const { streamer: due } = await connectedStreamer({ now: NOW })
    const { streamer: later } = await connectedStreamer({ now: NOW })
    const { streamer: markedRecently } = await connectedStreamer({
      now: NOW,
      tokenRefreshFailedAt: NOW.minus({ minutes: 5 }),
    })
    const queue = new TransientRetryQueue()
    await queue.schedule(due.id, NOW.minus({ seconds: 1 }))
    await queue.schedule(later.id, NOW.plus({ minutes: 3 }))
    await queue.schedule(markedRecently.id, NOW.minus({ minutes: 1 }))
    const selection = await app.container.make(RefreshSelection)

    const retried = await allStreamers(await selection.needingRetry())

    assert.deepEqual(
      retried.map((streamer) => streamer.id),
      [due.id]
    )
    // The recent permanent mark takes over: that id leaves the queue, the others stay.
    assert.isNull(await queue.retryAt(markedRecently.id))
    assert.isNotNull(await queue.retryAt(due.id))
    assert.isNotNull(await queue.retryAt(later.id))
  })

  test('the sweep retries: a recovered token is refreshed and its mark cleared; a dead one deactivates', async ({
    assert,
  }) => {
    const recovered = await connectedStreamer({
      now: NOW,
      tokenRefreshFailedAt: NOW.minus({ minutes: 16 }),
    })
    const dead = await connectedStreamer({
      now: NOW,
      tokenRefreshFailedAt: NOW.minus({ minutes: 16 }),
    })
    twitchEmulator.state.revokeRefresh(dead.twitchUser.id)
    const fresh = await connectedStreamer({ now: NOW })
    const scheduler = await buildInjected(app.container, TokenRefreshScheduler)

    const report = await scheduler.runRetrySweep(NOW)

    assert.isNotNull(report)
    assert.include(report!, { total: 2, success: 1, failed: 1, deactivated: 1 })
    const recoveredRow = await Streamer.findOrFail(recovered.streamer.id)
    assert.isNull(recoveredRow.tokenRefreshFailedAt)
    assert.equal(recoveredRow.lastTokenRefreshAt!.toMillis(), NOW.toMillis())
    const deadRow = await Streamer.findOrFail(dead.streamer.id)
    assert.isFalse(deadRow.isActive)
    assert.lengthOf(await Notification.query().where('user_id', dead.streamer.userId), 1)
    assert.equal(refreshCalls(fresh.twitchUser.id), 0)
  })
})
