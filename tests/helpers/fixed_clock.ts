import type { DateTime } from 'luxon'
import { Clock } from '#services/clock'

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
