import type { ServerResponse } from 'node:http'

/**
 * What the emulator must tidy on close: latency timers still running and
 * requests held open on purpose ('timeout' faults). Timers are unref()'d so a
 * forgotten emulator never keeps a test process alive.
 */
export class PendingWork {
  #delays = new Map<NodeJS.Timeout, () => void>()
  #held = new Set<ServerResponse>()

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#delays.delete(timer)
        resolve()
      }, ms)
      timer.unref()
      this.#delays.set(timer, resolve)
    })
  }

  /** Keeps the response open without answering, until the client hangs up or we close. */
  hold(res: ServerResponse): void {
    this.#held.add(res)
    res.on('close', () => this.#held.delete(res))
  }

  get heldCount(): number {
    return this.#held.size
  }

  /** Ends pending delays at once (their replies find a closed socket) and drops held requests. */
  releaseAll(): void {
    for (const [timer, resolve] of this.#delays) {
      clearTimeout(timer)
      resolve()
    }
    this.#delays.clear()
    for (const res of this.#held) {
      res.destroy()
    }
    this.#held.clear()
  }
}
