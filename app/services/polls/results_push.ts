import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { errorMessage } from '#services/error_message'

/** Events of one run within this many ms make one push. */
const BATCH_MS = 100

/**
 * Pushes a run's combined result to the GM after events changed it: the
 * events of one run arriving within `BATCH_MS` make one update (a burst of
 * votes on 50 channels is a few pushes a second, not hundreds), each built
 * from what PostgreSQL holds then. A container singleton: one timer per run
 * in this process.
 */
@inject()
export class ResultsPush {
  #timers = new Map<number, NodeJS.Timeout>()
  #inFlight = new Set<Promise<void>>()

  constructor(
    private chatVotes: RunChatVotes,
    private broadcaster: PollBroadcaster
  ) {}

  schedule(runId: number) {
    if (this.#timers.has(runId)) return
    const timer = setTimeout(() => {
      this.#timers.delete(runId)
      const push = this.#push(runId).finally(() => this.#inFlight.delete(push))
      this.#inFlight.add(push)
    }, BATCH_MS)
    this.#timers.set(runId, timer)
  }

  /** Sends what is scheduled now and waits for it (shutdown, tests). */
  async flush() {
    for (const [runId, timer] of this.#timers) {
      clearTimeout(timer)
      this.#timers.delete(runId)
      this.#inFlight.add(this.#push(runId))
    }
    await Promise.allSettled([...this.#inFlight])
  }

  async #push(runId: number) {
    try {
      // Chat votes are counted in Redis: they join the rows before the snapshot.
      const loaded = await this.chatVotes.syncRun(runId)
      if (loaded) this.broadcaster.send(loaded.run, loaded.channels)
    } catch (error) {
      logger.warn(
        { runId, error: errorMessage(error) },
        '[Polls] could not push results after an event'
      )
    }
  }
}
