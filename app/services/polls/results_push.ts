import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'

/**
 * Pushes a run's combined result to the GM after events changed it: the
 * events of one run arriving within `delayMs` make one update (a burst of
 * votes on 50 channels is a few pushes a second, not hundreds), each built
 * from what PostgreSQL holds then. A container singleton: one timer per run
 * in this process.
 */
export class ResultsPush {
  #timers = new Map<number, NodeJS.Timeout>()
  #inFlight = new Set<Promise<void>>()

  constructor(private delayMs = 100) {}

  schedule(runId: number) {
    if (this.#timers.has(runId)) return
    const timer = setTimeout(() => {
      this.#timers.delete(runId)
      const push = this.#push(runId).finally(() => this.#inFlight.delete(push))
      this.#inFlight.add(push)
    }, this.delayMs)
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
      const chatCounts = await app.container.make(RunChatVotes)
      const loaded = await chatCounts.syncRun(runId)
      const broadcaster = await app.container.make(PollBroadcaster)
      if (loaded) broadcaster.send(loaded.run, loaded.channels)
    } catch (error) {
      logger.warn(
        { runId, error: error instanceof Error ? error.message : String(error) },
        '[Polls] could not push results after an event'
      )
    }
  }
}
