import type { RunLease } from '#services/polls/run_owner_leases'

interface PendingEnd {
  timer: NodeJS.Timeout
  lease: RunLease
}

/**
 * The runs whose end this process retries (Twitch could not be told yet),
 * each with its timer and the lease it keeps on the run meanwhile. One per
 * process (a container singleton), so every `PollRunCloser` shares it.
 */
export class EndRetries {
  #pending = new Map<number, PendingEnd>()

  has(runId: number) {
    return this.#pending.has(runId)
  }

  add(runId: number, pending: PendingEnd) {
    this.#pending.set(runId, pending)
  }

  /** Forgets the run's retry and stops its timer (its lease stays held). */
  cancel(runId: number) {
    const pending = this.#pending.get(runId)
    if (!pending) return
    clearTimeout(pending.timer)
    this.#pending.delete(runId)
  }

  /** Stops every retry and gives the leases back: another instance carries on. */
  async stopAll() {
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const { timer } of pending) clearTimeout(timer)
    await Promise.all(pending.map(({ lease }) => lease.release()))
  }
}
