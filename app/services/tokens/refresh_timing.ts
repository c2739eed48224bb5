import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { RefreshSchedule } from '#services/tokens/refresh_schedule'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { decideDue, transientRetryDelay } from '#services/tokens/token_refresh_policy'

/**
 * The times of the refresh policy: the next scheduled tick and the due rule
 * it feeds, the backoff between attempts, and when the sweep retries a
 * transient failure. Every wait goes through the clock, so tests see the
 * time pass without sleeping (docs/token-policy.md).
 */
@inject()
export class RefreshTiming {
  #schedule: RefreshSchedule

  constructor(
    private clock: Clock,
    private settings: TokenRefreshSettings
  ) {
    this.#schedule = new RefreshSchedule(settings.timezone)
  }

  now() {
    return this.clock.now()
  }

  /**
   * The next refresh tick after `after` (default: now), scheduler on or off.
   */
  nextTick(after: DateTime = this.clock.now()) {
    return this.#schedule.nextTickAfter(after)
  }

  /**
   * The due rule for one streamer's token.
   */
  dueDecision(streamer: Streamer, now = this.clock.now(), nextTick = this.nextTick(now)) {
    return decideDue({ expiresAt: streamer.tokenExpiresAt, now, nextTick })
  }

  /**
   * How long to wait before attempt `attempt + 1` after a transient
   * failure, or null to give up and report it.
   */
  backoffDelay(attempt: number, retryAfterMs: number | null) {
    return transientRetryDelay(attempt, retryAfterMs, this.settings.backoff)
  }

  wait(ms: number) {
    return this.clock.sleep(ms)
  }

  /** Minutes until the sweep retries a transient failure. */
  get transientRetryMinutes() {
    return this.settings.transientRetryDelayMinutes
  }

  /** When the sweep retries a transient failure that happens now. */
  transientRetryAt() {
    return this.clock.now().plus({ minutes: this.settings.transientRetryDelayMinutes })
  }
}
