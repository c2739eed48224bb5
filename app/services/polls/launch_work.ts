import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'

/**
 * Launch work this process runs after answering: the rest of a launch the
 * pages answered as soon as its run existed, and what follows any launch
 * (the first broadcast, the streamers' notifications). One per process (a
 * container singleton), so shutdown and tests can wait for it; a failure is
 * logged here, the launch itself having said what it could.
 */
export class LaunchWork {
  #pending = new Set<Promise<unknown>>()

  /** Runs `work` in the background until it settles. */
  track(runId: number, what: string, work: Promise<unknown>) {
    const tracked = work.catch((error: unknown) => {
      logger.error({ runId, error: errorMessage(error) }, `[Polls] ${what} failed`)
    })
    this.#pending.add(tracked)
    void tracked.finally(() => this.#pending.delete(tracked))
  }

  /** Waits for everything tracked so far, and what it tracks in turn. */
  async settle() {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending])
    }
  }
}
