import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { PollSettings } from '#services/polls/poll_settings'

/** The lease one instance holds on a run it is launching or ending. */
export interface RunLease {
  readonly runId: number
  /** Stops renewing the lease and gives it back. */
  release(): Promise<void>
}

/**
 * Who is launching or ending a run: the instance doing it holds a lease in
 * Redis (`polls:run:<id>:owner`), renewed every third of its lifetime while
 * it works. An instance that dies stops renewing it; once it lapses, the
 * watcher of any instance takes the lease and finishes the run
 * (docs/live-results.md, "When something fails").
 */
@inject()
export class RunOwnerLeases {
  constructor(private settings: PollSettings) {}

  static key(runId: number) {
    return `polls:run:${runId}:owner`
  }

  /** The run's lease, or null when a live instance holds it. */
  async take(runId: number): Promise<RunLease | null> {
    const ttl = this.settings.ownerLockTtlMs
    const runLock = lock.createLock(RunOwnerLeases.key(runId), ttl)
    if (!(await runLock.acquireImmediately())) return null
    const timer = setInterval(
      () =>
        void runLock.extend().catch(() => {
          logger.warn({ runId }, '[Polls] could not renew the lease on a run')
        }),
      Math.max(50, Math.floor(ttl / 3))
    )
    timer.unref()
    return {
      runId,
      async release() {
        clearInterval(timer)
        await runLock.release().catch(() => {})
      },
    }
  }
}
