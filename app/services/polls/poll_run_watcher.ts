import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import PollRun from '#models/poll_run'
import { Clock } from '#services/clock'
import { PollSettings } from '#services/polls/poll_settings'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollRunCloser } from '#services/polls/poll_run_closer'
import { RunOwnerLeases } from '#services/polls/run_owner_leases'
import { LaunchCompensation } from '#services/polls/launch_compensation'
import { PollRunStore } from '#services/polls/poll_run_store'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { errorMessage } from '#services/error_message'
import { BackgroundFailures } from '#services/availability/background_failure'

/**
 * Runs in every web process (start/polls.ts): makes sure each running poll
 * has a poller somewhere — the per-run lock lets exactly one instance take
 * it, so an instance that died mid-poll is replaced within one interval —
 * and finishes the runs whose owner died half-way: a `launching` or
 * `ending` run whose lease (`RunOwnerLeases`) nobody renews any more. A
 * launch is undone (`LaunchCompensation`), an end is carried on by
 * `PollRunCloser`, exactly as its owner would have; a running run whose
 * launcher died before posting its chat questions has them posted.
 */
@inject()
export class PollRunWatcher {
  #timer: NodeJS.Timeout | null = null
  #sweeping: Promise<void> | null = null

  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private poller: PollResultsPoller,
    private closer: PollRunCloser,
    private leases: RunOwnerLeases,
    private compensation: LaunchCompensation,
    private store: PollRunStore,
    private chatVotes: RunChatVotes,
    private failures: BackgroundFailures
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
    await this.closer.stop()
  }

  /**
   * One pass; errors are logged, the next pass tries again.
   */
  async sweep() {
    if (this.#sweeping) return this.#sweeping
    this.#sweeping = this.#sweep()
      .catch((error: unknown) =>
        this.failures.report(error, () =>
          logger.error({ error: errorMessage(error) }, '[Polls] watcher pass failed')
        )
      )
      .finally(() => {
        this.#sweeping = null
      })
    return this.#sweeping
  }

  async #sweep() {
    // A run that just moved is left to the instance that moved it, which
    // takes its lease right after.
    const settled = this.clock.now().minus({ milliseconds: this.settings.ownerGraceMs })
    const runs = await PollRun.query().whereIn('status', ['launching', 'running', 'ending'])
    const unasked = await this.store.withUnaskedChat(
      runs.filter((run) => run.status === 'running').map((run) => run.id)
    )
    for (const run of runs) {
      if (run.status === 'running') {
        if (unasked.has(run.id)) await this.#askLate(run.id)
        await this.poller.start(run.id)
      } else if (run.updatedAt <= settled && !this.closer.isRetrying(run.id)) {
        await this.#takeOver(run)
      }
    }
  }

  /**
   * A running run with chat questions never posted: the launching instance
   * holds the lease until it has posted them, so a free lease means it died
   * first. The lease makes one instance post them, once; the rows are read
   * again under it (the launcher may have just finished).
   */
  async #askLate(runId: number) {
    const lease = await this.leases.take(runId)
    if (!lease) return
    try {
      const loaded = await this.store.load(runId)
      if (!loaded || loaded.run.status !== 'running') return
      await this.chatVotes.openLate(loaded.run, loaded.channels)
      logger.warn({ runId }, '[Polls] posted chat questions left by a launch whose owner stopped')
    } finally {
      await lease.release()
    }
  }

  /** A launching or ending run whose lease is free: its owner is gone. */
  async #takeOver(run: PollRun) {
    if (run.status === 'ending') {
      const outcome = await this.closer.takeOver(run.id)
      if (outcome)
        logger.warn({ runId: run.id }, '[Polls] carried on an "End now" left by its owner')
      return
    }
    const lease = await this.leases.take(run.id)
    if (!lease) return
    try {
      await run.refresh()
      if (run.status === 'launching') await this.compensation.recover(run)
    } finally {
      await lease.release()
    }
  }
}
