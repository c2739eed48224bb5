import { DateTime } from 'luxon'
import { setTimeout as sleep } from 'node:timers/promises'
import cron, { type ScheduledTask, type TaskContext } from 'node-cron'
import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { NotificationChannelRegistry } from '#services/notifications/notification_channel'
import {
  CheckAndRefreshService,
  type StreamerHealthStatus,
} from '#services/tokens/check_and_refresh_service'
import { REFRESH_CRON_EXPRESSIONS } from '#services/tokens/refresh_schedule'
import { RefreshCycle } from '#services/tokens/refresh_cycle'
import { RefreshSelection } from '#services/tokens/refresh_selection'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { reportCounts, type CycleReport } from '#services/tokens/refresh_outcome'
import { BackgroundFailures } from '#services/availability/background_failure'
import { errorMessage } from '#services/error_message'

/** The retry sweep looks every minute. */
const RETRY_SWEEP_EXPRESSION = '* * * * *'

/**
 * The hourly validation, at minute 45: away from the refresh ticks
 * (:00 and :30), so it does not validate tokens a cycle is renewing.
 */
const HOURLY_VALIDATION_EXPRESSION = '45 * * * *'

/** How long a tick's claim lives: far longer than any clock skew between instances. */
const TICK_CLAIM_TTL = { cycle: '30m', sweep: '5m', validation: '30m' } as const

/** How long stop() waits for a running job before letting the process go. */
const STOP_GRACE_MS = 15_000

type JobKind = keyof typeof TICK_CLAIM_TTL

interface ValidationSummary {
  total: number
  ready: number
  refreshed: number
  needsReconnect: number
  notAuthorized: number
}

const SUMMARY_FIELD: Record<StreamerHealthStatus, keyof ValidationSummary> = {
  ready: 'ready',
  refreshed: 'refreshed',
  needs_reconnect: 'needsReconnect',
  not_authorized: 'notAuthorized',
}

/**
 * The token jobs of the web process (docs/token-policy.md): the refresh cycle on the two
 * cron expressions in SCHEDULER_TIMEZONE, the retry sweep every minute and
 * the hourly validation.
 *
 * With several web instances, every instance fires every job; each job
 * first claims its tick with a lock keyed by the tick that is left to
 * expire (never released), so one instance runs it and a late instance
 * cannot run it again.
 */
@inject()
export class TokenRefreshScheduler {
  #tasks: { task: ScheduledTask; expression: string; kind: JobKind }[] = []
  #running = new Set<Promise<unknown>>()

  constructor(
    private settings: TokenRefreshSettings,
    private selection: RefreshSelection,
    private cycle: RefreshCycle,
    private healthCheck: CheckAndRefreshService,
    private notificationChannels: NotificationChannelRegistry,
    private failures: BackgroundFailures
  ) {}

  get isRunning() {
    return this.#tasks.length > 0
  }

  /** What is scheduled, for logs and tests. */
  get jobs() {
    return this.#tasks.map(({ task, expression, kind }) => ({
      kind,
      name: task.name,
      expression,
      timezone: this.settings.timezone,
      nextRun: task.getNextRun(),
    }))
  }

  start() {
    if (this.isRunning) return
    REFRESH_CRON_EXPRESSIONS.forEach((expression, index) => {
      this.#schedule('cycle', expression, `token-refresh-cycle-${index + 1}`, (at) =>
        this.runRefreshTick(at)
      )
    })
    this.#schedule('sweep', RETRY_SWEEP_EXPRESSION, 'token-refresh-retry-sweep', (at) =>
      this.runRetrySweep(at)
    )
    this.#schedule('validation', HOURLY_VALIDATION_EXPRESSION, 'token-hourly-validation', (at) =>
      this.runHourlyValidation(at)
    )
    logger.info(
      { timezone: this.settings.timezone, cycles: REFRESH_CRON_EXPRESSIONS },
      '[Scheduler] Token refresh scheduler started'
    )
  }

  /**
   * Stops the tasks, then waits (bounded) for a running job and the
   * notifications it started.
   */
  async stop() {
    if (!this.isRunning) return
    const tasks = this.#tasks
    this.#tasks = []
    await Promise.all(tasks.map(({ task }) => task.destroy()))
    await Promise.race([
      Promise.allSettled([...this.#running]).then(() => this.notificationChannels.settle()),
      // Unreferenced: the grace period must not itself keep the process alive.
      sleep(STOP_GRACE_MS, undefined, { ref: false }),
    ])
    logger.info('[Scheduler] Token refresh scheduler stopped')
  }

  /**
   * The refresh cycle of one tick, over streamers with active authorization.
   * Null when another instance already claimed this tick.
   */
  async runRefreshTick(tickAt: DateTime): Promise<CycleReport | null> {
    if (!(await this.#claim('cycle', tickAt))) return null
    const report = await this.cycle.run(this.selection.withActiveAuthorization(), {
      trigger: 'scheduler',
      tickAt,
    })
    logger.info(`[TokenRefresh] cycle finished ${reportCounts(report)}`)
    return report
  }

  /**
   * The retry sweep of one minute. Null when another instance claimed it.
   */
  async runRetrySweep(minuteAt: DateTime): Promise<CycleReport | null> {
    if (!(await this.#claim('sweep', minuteAt))) return null
    const report = await this.cycle.run(await this.selection.needingRetry(), {
      trigger: 'retry_sweep',
      force: true,
    })
    if (report.total > 0) {
      logger.info(`[TokenRefresh] retry sweep finished ${reportCounts(report)}`)
    }
    return report
  }

  /**
   * The hourly validation: every token of a streamer with active
   * authorization checked with /validate; a 401 (or a due token) is
   * refreshed under the policy. Null when another instance claimed it.
   */
  async runHourlyValidation(hourAt: DateTime): Promise<ValidationSummary | null> {
    if (!(await this.#claim('validation', hourAt))) return null
    const summary: ValidationSummary = {
      total: 0,
      ready: 0,
      refreshed: 0,
      needsReconnect: 0,
      notAuthorized: 0,
    }
    // Page by page, counting as results come: nothing kept per streamer.
    for await (const page of this.selection.withActiveAuthorization()) {
      await this.healthCheck.checkStreamers(page, {
        trigger: 'validation',
        onChecked: (health) => {
          summary.total++
          summary[SUMMARY_FIELD[health.status]]++
        },
      })
    }
    logger.info(
      `[TokenRefresh] hourly validation finished total=${summary.total} ready=${summary.ready} ` +
        `refreshed=${summary.refreshed} needs_reconnect=${summary.needsReconnect}`
    )
    return summary
  }

  /**
   * Claims a job's tick for this instance: a lock keyed by the tick, left to
   * expire. A mutex released after the job would let a slower instance run
   * the same tick again right after.
   */
  async #claim(kind: JobKind, at: DateTime) {
    const tick = at.toUTC().startOf('minute').toISO()
    const claimed = await lock
      .createLock(`token-refresh:tick:${kind}:${tick}`, TICK_CLAIM_TTL[kind])
      .acquireImmediately()
    if (!claimed) {
      logger.debug(`[Scheduler] ${kind} of ${tick} already claimed by another instance`)
    }
    return claimed
  }

  #schedule(
    kind: JobKind,
    expression: string,
    name: string,
    job: (at: DateTime) => Promise<unknown>
  ) {
    const task = cron.schedule(
      expression,
      (context: TaskContext) => this.#track(kind, job(DateTime.fromJSDate(context.date))),
      { name, timezone: this.settings.timezone, noOverlap: true }
    )
    this.#tasks.push({ task, expression, kind })
  }

  async #track(kind: JobKind, job: Promise<unknown>) {
    const guarded = job.catch((error: unknown) =>
      this.failures.report(error, () =>
        logger.error({ error: errorMessage(error) }, `[Scheduler] token ${kind} job failed`)
      )
    )
    this.#running.add(guarded)
    try {
      await guarded
    } finally {
      this.#running.delete(guarded)
    }
  }
}
