import env from '#start/env'
import type { BackoffSettings } from '#services/tokens/token_refresh_policy'

/**
 * The knobs of the token refresh engine. Injectable: tests swap in shorter
 * delays with `app.container.swap(TokenRefreshSettings, () => ...)`.
 */
export class TokenRefreshSettings {
  /** Refreshes in flight at once during a cycle (TOKEN_REFRESH_CONCURRENCY). */
  concurrency: number = env.get('TOKEN_REFRESH_CONCURRENCY', 8)

  /** Time zone of the cron expressions (SCHEDULER_TIMEZONE). */
  timezone: string = env.get('SCHEDULER_TIMEZONE', 'UTC')

  /** Retries inside one refresh attempt for transient failures (§5.3). */
  backoff: BackoffSettings = {
    attempts: 3,
    baseDelayMs: 500,
    maxDelayMs: 4_000,
    maxRetryAfterMs: 10_000,
  }

  /**
   * Per-streamer lock: how long it lives if its holder dies, how long a
   * second caller waits for it, and how often it looks. The TTL outlasts a
   * whole attempt (3 calls with their timeouts and waits).
   */
  lockTtlMs = 90_000
  lockWaitMs = 100_000
  lockPollMs = 50

  /** A transient failure is retried by the sweep this much later (§5.3: within 15 min). */
  transientRetryDelayMinutes = 5
}
