/**
 * Waits that can all be cut short at once (reset, close), so a pending
 * redelivery never holds a test or a closing emulator. Timers are unref()'d.
 */
export class Sleeper {
  #waits = new Map<NodeJS.Timeout, () => void>()

  sleep(ms: number): Promise<void> {
    if (ms <= 0) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waits.delete(timer)
        resolve()
      }, ms)
      timer.unref()
      this.#waits.set(timer, resolve)
    })
  }

  wakeAll(): void {
    for (const [timer, resolve] of this.#waits) {
      clearTimeout(timer)
      resolve()
    }
    this.#waits.clear()
  }
}
