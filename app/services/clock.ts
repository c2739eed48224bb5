import { DateTime } from 'luxon'

/**
 * The time as the services see it. Everything with a time-based policy
 * (15 min, 30 min, 12 h, cron ticks) asks this instead of `DateTime.now()`,
 * so tests swap in a fixed clock through the container:
 * `app.container.swap(Clock, () => new FixedClock(...))`.
 */
export class Clock {
  now(): DateTime {
    return DateTime.now()
  }
}

/**
 * A clock that stands still until told to move; for tests.
 */
export class FixedClock extends Clock {
  constructor(private current: DateTime) {
    super()
  }

  now() {
    return this.current
  }

  set(to: DateTime) {
    this.current = to
  }

  advance(duration: { minutes?: number; hours?: number; seconds?: number }) {
    this.current = this.current.plus(duration)
  }
}
