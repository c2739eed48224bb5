import { DateTime } from 'luxon'
import { setTimeout as wait } from 'node:timers/promises'

/**
 * The time as the services see it. Everything with a time-based policy
 * (15 min, 30 min, 12 h, cron ticks, a backoff or a Retry-After wait) asks
 * this instead of `DateTime.now()` or a timer, so tests swap in a fixed
 * clock through the container:
 * `app.container.swap(Clock, () => new FixedClock(...))`.
 */
export class Clock {
  now(): DateTime {
    return DateTime.now()
  }

  /**
   * Waits `ms` milliseconds of this clock's time.
   */
  async sleep(ms: number): Promise<void> {
    if (ms > 0) await wait(ms)
  }
}

/**
 * A clock that stands still until told to move; for tests. Sleeping on it
 * moves it forward by the wait and returns at once, so a test of a backoff
 * or a Retry-After sees the time pass without waiting for it.
 */
export class FixedClock extends Clock {
  constructor(private current: DateTime) {
    super()
  }

  now() {
    return this.current
  }

  async sleep(ms: number) {
    if (ms > 0) this.current = this.current.plus({ milliseconds: ms })
  }

  set(to: DateTime) {
    this.current = to
  }

  advance(duration: { hours?: number; minutes?: number; seconds?: number; milliseconds?: number }) {
    this.current = this.current.plus(duration)
  }
}
