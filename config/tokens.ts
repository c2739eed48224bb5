import env from '#start/env'

/**
 * Keeping Twitch tokens alive (docs/token-policy.md). Services read these
 * values through `TokenRefreshSettings`, which tests swap in the container
 * instead of re-booting the app.
 */
const tokensConfig = {
  /** Run the refresh cycles, the retry sweep and the hourly validation in the web process. */
  schedulerEnabled: env.get('SCHEDULER_ENABLED', true),

  /** Time zone of the refresh cron expressions (an IANA zone). */
  timezone: env.get('SCHEDULER_TIMEZONE', 'UTC'),

  /** Refreshes in flight at once during a cycle. */
  concurrency: env.get('TOKEN_REFRESH_CONCURRENCY', 8),

  /**
   * Streamers read from the database at once by a cycle (keyset pages by
   * id): memory stays the same whatever the number of streamers.
   */
  pageSize: 500,

  /** Retries inside one refresh for transient failures (network, 5xx, 429). */
  backoff: {
    /** Attempts in total, the first included. */
    attempts: 3,
    /** First wait when Twitch gives no hint; doubled on each attempt. */
    baseDelayMs: 500,
    /** Longest wait without a hint. */
    maxDelayMs: 4_000,
    /** Longest Retry-After / Ratelimit-Reset honoured; beyond it the attempt gives up. */
    maxRetryAfterMs: 10_000,
  },

  /**
   * Per-streamer lock: how long it lives if its holder dies, how long a
   * second caller waits for it, and how often it looks. The TTL outlasts a
   * whole attempt (3 calls with their timeouts and waits).
   */
  lockTtlMs: 90_000,
  lockWaitMs: 100_000,
  lockPollMs: 50,

  /** A transient failure is retried by the sweep this much later (well within 15 min). */
  transientRetryDelayMinutes: 5,
}

export default tokensConfig
