import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'

/**
 * The work Twitch's events start in the background (a subscription replaced
 * after a revocation, a reconciliation pass, a check of chat delivery),
 * whichever service instance started it: a container singleton, so
 * stopping the process (or the end of a test) waits for every piece.
 */
export class EventSubBackground {
  #running = new Set<Promise<unknown>>()

  /** Starts `work` now; its failure is logged under `label`. */
  run(label: string, work: () => Promise<unknown>) {
    const task: Promise<unknown> = work()
      .catch((error: unknown) => {
        logger.error({ error: errorMessage(error) }, `[EventSub] ${label} failed`)
      })
      .finally(() => this.#running.delete(task))
    this.#running.add(task)
  }

  /** Resolves once nothing started here is still running (including what it started). */
  async settle() {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
  }
}
