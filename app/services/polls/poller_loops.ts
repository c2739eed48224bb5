/** One results loop of this process: its run, how to stop it, when it is over. */
export interface PollerLoop {
  runId: number
  stop: AbortController
  done: Promise<void>
}

/**
 * The results loops this process runs, by run id. A container singleton
 * (providers/live_results_provider.ts): every PollResultsPoller of the
 * process shares it, so "is this run polled here?" has one answer.
 */
export class PollerLoops {
  #loops = new Map<number, PollerLoop>()

  has(runId: number) {
    return this.#loops.has(runId)
  }

  add(loop: PollerLoop) {
    this.#loops.set(loop.runId, loop)
  }

  remove(runId: number) {
    this.#loops.delete(runId)
  }

  /**
   * Stops the run's loop (its lock is released once the step in flight, if
   * any, is over). `wait: false` does not wait for it.
   */
  async stop(runId: number, options: { wait?: boolean } = {}) {
    const loop = this.#loops.get(runId)
    if (!loop) return
    loop.stop.abort()
    if (options.wait !== false) await loop.done
  }

  async stopAll() {
    await Promise.all([...this.#loops.keys()].map((runId) => this.stop(runId)))
  }
}
