import { DateTime } from 'luxon'
import { setTimeout as wait } from 'node:timers/promises'

/**
 * The time as the services see it. Everything with a time-based policy
 * (15 min, 30 min, 12 h, cron ticks, a backoff or a Retry-After wait) asks
 * this instead of `DateTime.now()` or a timer, so tests swap in a fixed
 * clock through the container:
 * `app.container.swap(Clock, () => new FixedClock(...))` (tests/helpers/fixed_clock.ts).
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
