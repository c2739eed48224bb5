import { Clock } from '#services/clock'

/**
 * Shared by the workers of one cycle: at most `maxInFlight` calls to Twitch
 * at once, and when Twitch answers 429 with Retry-After / Ratelimit-Reset,
 * every worker holds its next call until then instead of each one running
 * into the limit on its own.
 *
 * The cycle runs more workers than slots, so one streamer's database and
 * lock work overlaps another's call to Twitch: the slots stay busy.
 */
export class TwitchCallLimiter {
  #inFlight = 0
  #waiting: (() => void)[] = []
  #openAt = 0

  constructor(
    readonly maxInFlight: number,
    private clock: Clock = new Clock()
  ) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`)
    }
  }

  /**
   * Holds every call started from now on for `ms` (never shortens a pause).
   */
  pauseFor(ms: number) {
    this.#openAt = Math.max(this.#openAt, this.#now() + ms)
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.#acquire()
    try {
      for (let wait = this.#openAt - this.#now(); wait > 0; wait = this.#openAt - this.#now()) {
        await this.clock.sleep(wait)
      }
      return await call()
    } finally {
      this.#release()
    }
  }

  #now() {
    return this.clock.now().toMillis()
  }

  async #acquire() {
    if (this.#inFlight < this.maxInFlight) {
      this.#inFlight++
      return
    }
    // The slot is handed over by #release, so #inFlight stays counted.
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  #release() {
    const next = this.#waiting.shift()
    if (next) {
      next()
    } else {
      this.#inFlight--
    }
  }
}
