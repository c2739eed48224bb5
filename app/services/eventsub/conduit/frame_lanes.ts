/**
 * Runs work in lanes: the work of one lane (one channel's frames) in the
 * order it came, different lanes side by side, at most `limit` running at
 * once. A channel's chat messages keep their order (the first vote of a
 * chatter is the one that counts) while fifty channels are handled in
 * parallel. Memory holds only lanes with work pending.
 */
export class FrameLanes {
  #lanes = new Map<string, Promise<void>>()
  #running = 0
  #waiting: (() => void)[] = []

  constructor(private limit: number) {}

  push(lane: string, work: () => Promise<void>) {
    const previous = this.#lanes.get(lane) ?? Promise.resolve()
    const next = previous.then(() => this.#limited(work))
    this.#lanes.set(lane, next)
    void next.finally(() => {
      if (this.#lanes.get(lane) === next) this.#lanes.delete(lane)
    })
  }

  /** Resolves once every lane is empty. */
  async drain() {
    while (this.#lanes.size > 0) await Promise.allSettled([...this.#lanes.values()])
  }

  async #limited(work: () => Promise<void>) {
    if (this.#running >= this.limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
    this.#running++
    try {
      await work()
    } catch {
      // The work handles its own failures; a lane never stops on one.
    } finally {
      this.#running--
      this.#waiting.shift()?.()
    }
  }
}
