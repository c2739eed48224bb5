/**
 * Calls `tick` every `intervalMs` of real time while started, so polls end,
 * automatic votes and auto-chatters arrive, and their events go out without
 * anyone reading. Its timer is unref()'d: it never keeps a process alive.
 */
export class Ticker {
  #timer: NodeJS.Timeout | null = null
  #intervalMs: number
  #tick: () => void

  constructor(intervalMs: number, tick: () => void) {
    this.#intervalMs = intervalMs
    this.#tick = tick
  }

  start(): void {
    if (this.#timer !== null || this.#intervalMs <= 0) {
      return
    }
    this.#timer = setInterval(() => {
      try {
        this.#tick()
      } catch (error) {
        // One bad tick must not stop the next ones, nor the process.
        console.error('[twitch-emulator] tick failed', error)
      }
    }, this.#intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer !== null) {
      clearInterval(this.#timer)
      this.#timer = null
    }
  }
}
