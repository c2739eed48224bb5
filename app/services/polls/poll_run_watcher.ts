import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import PollRun from '#models/poll_run'
import { Clock } from '#services/clock'
import { PollSettings } from '#services/polls/poll_settings'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { reportBackgroundFailure } from '#services/availability/background_failure'

/**
 * Runs in every web process (start/polls.ts): makes sure each running poll
 * has a poller somewhere — the per-run lock lets exactly one instance take
 * it, so an instance that died mid-poll is replaced within one interval —
 * and closes runs left half-way by a crash (`launching` or `ending` for too long).
 */
@inject()
export class PollRunWatcher {
  #timer: NodeJS.Timeout | null = null
  #sweeping: Promise<void> | null = null

  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private poller: PollResultsPoller,
    private store: PollRunStore,
    private broadcaster: PollBroadcaster
  ) {}

  start() {
    if (this.#timer) return
    void this.sweep()
    this.#timer = setInterval(() => void this.sweep(), this.settings.watchIntervalMs)
    this.#timer.unref()
  }

  async stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#sweeping
    await this.poller.stopAll()
  }

  /**
   * One pass; errors are logged, the next pass tries again.
   */
  async sweep() {
    if (this.#sweeping) return this.#sweeping
    this.#sweeping = this.#sweep()
      .catch((error: unknown) =>
        reportBackgroundFailure(error, () =>
          logger.error(
            { error: error instanceof Error ? error.message : String(error) },
            '[Polls] watcher pass failed'
          )
        )
      )
      .finally(() => {
        this.#sweeping = null
      })
    return this.#sweeping
  }

  async #sweep() {
    const staleBefore = this.clock.now().minus({ milliseconds: this.settings.staleLaunchMs })
    const runs = await PollRun.query().whereIn('status', ['launching', 'running', 'ending'])
    for (const run of runs) {
      if (run.status === 'running') {
        await this.poller.start(run.id)
      } else if (run.updatedAt < staleBefore) {
        await this.#closeStale(run)
      }
    }
  }

  async #closeStale(run: PollRun) {
    if (run.status === 'launching') {
      const closed = await this.store.transition(run.id, 'launching', 'failed', {
        endReason: 'interrupted',
        endedAt: this.clock.now(),
      })
      if (closed) logger.warn({ runId: run.id }, '[Polls] closed a launch interrupted by a crash')
      return
    }
    const loaded = await this.store.load(run.id)
    const ended = await this.store.finalize(
      run.id,
      loaded?.channels ?? [],
      { status: 'terminated', reason: 'ended_early' },
      ['ending']
    )
    if (ended) {
      this.broadcaster.send(ended, loaded?.channels ?? [])
      logger.warn({ runId: run.id }, '[Polls] closed an "End now" interrupted by a crash')
    }
  }
}
