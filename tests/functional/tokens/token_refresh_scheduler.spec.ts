import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import cron from 'node-cron'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import Streamer from '#models/streamer'
import { TokenRefreshScheduler } from '#services/tokens/token_refresh_scheduler'
import { REFRESH_CRON_EXPRESSIONS } from '#services/tokens/refresh_schedule'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  connectedStreamer,
  refreshCalls,
  tokenTestGroup,
  useFastSettings,
} from '#tests/helpers/token_fixtures'
import { buildInjected } from '#providers/injected_singleton'

/** The 00:00 tick; the token below was refreshed at 21:00 for 4h10m. */
const TICK = DateTime.fromISO('2031-05-06T00:00:00', { zone: 'UTC' })

/**
 * Collects what the app logs at info level while `fn` runs.
 */
async function captureInfoLogs<T>(fn: () => Promise<T>) {
  const lines: string[] = []
  const original = logger.info.bind(logger)
  logger.info = ((...args: unknown[]) => {
    lines.push(args.find((arg): arg is string => typeof arg === 'string') ?? '')
    return (original as (...a: unknown[]) => void)(...args)
  }) as typeof logger.info
  try {
    return { result: await fn(), lines }
  } finally {
    logger.info = original
  }
}

test.group('Token refresh scheduler', (group) => {
  tokenTestGroup(group, TICK.plus({ seconds: 1 }))

  test('two scheduler instances on one tick run one cycle, and no token is refreshed twice', async ({
    assert,
  }) => {
    twitchEmulator.state.setLatency(50)
    const due = await connectedStreamer({
      now: TICK,
      tokenExpiresAt: TICK.plus({ hours: 1, minutes: 10 }),
    })
    const notDue = await connectedStreamer({ now: TICK, tokenExpiresAt: TICK.plus({ hours: 4 }) })
    const unauthorized = await connectedStreamer({
      now: TICK,
      tokenExpiresAt: TICK.plus({ minutes: 5 }),
      authorized: false,
    })
    const first = await buildInjected(app.container, TokenRefreshScheduler)
    const second = await buildInjected(app.container, TokenRefreshScheduler)

    const { result: reports, lines } = await captureInfoLogs(() =>
      Promise.all([first.runRefreshTick(TICK), second.runRefreshTick(TICK)])
    )

    const ran = reports.filter((report) => report !== null)
    assert.lengthOf(ran, 1)
    assert.include(ran[0]!, { total: 2, success: 1, failed: 0, skipped: 1 })
    assert.include(lines, '[TokenRefresh] cycle finished total=2 success=1 failed=0 skipped=1')
    assert.equal(refreshCalls(due.twitchUser.id), 1)
    assert.equal(refreshCalls(notDue.twitchUser.id), 0)
    assert.equal(refreshCalls(unauthorized.twitchUser.id), 0)
    const refreshed = await Streamer.findOrFail(due.streamer.id)
    assert.equal(refreshed.lastTokenRefreshAt!.toMillis(), TICK.plus({ seconds: 1 }).toMillis())

    // The claim outlives the cycle: an instance that fires late does nothing…
    const late = await buildInjected(app.container, TokenRefreshScheduler)
    assert.isNull(await late.runRefreshTick(TICK))
    assert.equal(refreshCalls(due.twitchUser.id), 1)
    // …while the next tick is free.
    assert.isNotNull(await late.runRefreshTick(TICK.plus({ hours: 3, minutes: 30 })))
  })

  test('start schedules the cycles in SCHEDULER_TIMEZONE, the sweep and the validation; stop removes them', async ({
    assert,
  }) => {
    useFastSettings({ timezone: 'Europe/Paris' })
    const scheduler = await buildInjected(app.container, TokenRefreshScheduler)

    const { lines } = await captureInfoLogs(async () => scheduler.start())
    try {
      assert.include(lines, '[Scheduler] Token refresh scheduler started')
      assert.deepEqual(
        scheduler.jobs.map((job) => [job.kind, job.expression, job.timezone]),
        [
          ['cycle', REFRESH_CRON_EXPRESSIONS[0], 'Europe/Paris'],
          ['cycle', REFRESH_CRON_EXPRESSIONS[1], 'Europe/Paris'],
          ['sweep', '* * * * *', 'Europe/Paris'],
          ['validation', '45 * * * *', 'Europe/Paris'],
        ]
      )
      const cycleRuns = scheduler.jobs
        .filter((job) => job.kind === 'cycle')
        .map((job) => DateTime.fromJSDate(job.nextRun!).setZone('Europe/Paris').toFormat('HH:mm'))
      for (const run of cycleRuns) {
        assert.oneOf(run, ['00:00', '03:30', '07:00', '10:30', '14:00', '17:30', '21:00'])
      }
      const names = scheduler.jobs.map((job) => job.name ?? '')
      assert.includeMembers(
        [...cron.getTasks().values()].map((task) => task.name ?? ''),
        names
      )

      await scheduler.stop()

      assert.isFalse(scheduler.isRunning)
      const remaining = [...cron.getTasks().values()].map((task) => task.name)
      for (const name of names) {
        assert.notInclude(remaining, name)
      }
    } finally {
      await scheduler.stop()
    }
  })

  test('the hourly validation checks every authorized token once per hour across instances', async ({
    assert,
  }) => {
    const valid = await connectedStreamer({ now: TICK })
    const revokedAccess = await connectedStreamer({ now: TICK })
    twitchEmulator.state.invalidateAccess(revokedAccess.twitchUser.id)
    const first = await buildInjected(app.container, TokenRefreshScheduler)
    const second = await buildInjected(app.container, TokenRefreshScheduler)
    const hour = TICK.plus({ minutes: 45 })

    const [summaryA, summaryB] = await Promise.all([
      first.runHourlyValidation(hour),
      second.runHourlyValidation(hour),
    ])

    const summary = summaryA ?? summaryB
    assert.isTrue((summaryA === null) !== (summaryB === null))
    assert.include(summary!, { total: 2, ready: 1, refreshed: 1, needsReconnect: 0 })
    assert.equal(refreshCalls(valid.twitchUser.id), 0)
    assert.equal(refreshCalls(revokedAccess.twitchUser.id), 1)
  })
})
