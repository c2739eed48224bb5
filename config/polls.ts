import env from '#start/env'

/**
 * Poll launches and result reading (docs/live-results.md). Services read
 * these values through `PollSettings`, which tests and the launch benchmark
 * swap in the container instead of re-booting the app.
 */
const pollsConfig = {
  /**
   * Channels checked and polls created at once during a launch. Twitch's
   * limits are per channel, so a launch goes as wide as the campaign (up to
   * this bound): its wall time is one health check plus one create.
   */
  launchConcurrency: 64,

  /** Helix reads in flight at once while reading a run's results. */
  readConcurrency: 16,

  /**
   * Result reads per run: at most `readsPerSecond` Helix calls per second
   * over all its channels, and a channel read at most every
   * `minReadIntervalMs` (more channels → each read less often).
   */
  readsPerSecond: 10,
  minReadIntervalMs: 2_000,
  maxReadIntervalMs: 15_000,

  /**
   * A channel whose votes did not move is read less often: its interval
   * doubles after each unchanged read, up to this factor.
   */
  quietBackoffFactor: 4,

  /**
   * Kept out of a channel's Helix bucket (Ratelimit-Remaining): below it,
   * reads wait for Ratelimit-Reset so launches and "End now" still get through.
   */
  rateLimitReserve: 10,

  /**
   * After the poll's duration, how long Twitch may take to report every
   * channel as ended before the run is closed with the last counts.
   */
  endGraceMs: 20_000,

  /**
   * The instance launching or ending a run holds a lease on it in Redis,
   * renewed while it works (a third of this); once it lapses (the instance
   * died) another instance's watcher finishes the run. A run is taken over
   * within about this plus `watchIntervalMs`.
   */
  ownerLockTtlMs: env.get('POLL_OWNER_LOCK_TTL_MS', 10_000),

  /**
   * A run that just moved to `launching` or `ending` is left to the instance
   * that moved it for this long (by the app's clock) before its lease is looked at.
   */
  ownerGraceMs: 2_000,

  /** Between two tries of telling Twitch that a poll ended early, when it could not be told. */
  endRetryMs: env.get('POLL_END_RETRY_MS', 5_000),

  /**
   * The per-run poller lock: lives this long unless extended (its holder
   * extends it before every read), so a crashed instance's run is taken over.
   */
  pollerLockTtlMs: env.get('POLL_READER_LOCK_TTL_MS', 30_000),

  /** How often each web instance looks for running runs without a poller. */
  watchIntervalMs: env.get('POLL_WATCH_INTERVAL_MS', 10_000),
}

export default pollsConfig
