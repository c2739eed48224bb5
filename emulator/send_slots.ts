/**
 * A cap on messages in flight at once. Twitch spreads its deliveries; firing
 * thousands of requests together would only make the emulator time out on
 * its own queue (or run out of sockets) and blame the app for it.
 */
export class SendSlots {
  #free: number
  #waiting: (() => void)[] = []

  constructor(size: number) {
    this.#free = size
  }

  /** Waits for a free slot; call the returned function to give it back. */
  async take(): Promise<() => void> {
    if (this.#free > 0) {
      this.#free--
    } else {
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
    let released = false
    return () => {
      if (released) {
        return
      }
      released = true
      const next = this.#waiting.shift()
      if (next) {
        next()
      } else {
        this.#free++
      }
    }
  }
}
