import pollsConfig from '#config/polls'

/**
 * The knobs of poll launches and result reading, read from config/polls.ts.
 * Injectable: tests and the benchmark swap in other values with
 * `app.container.swap(PollSettings, () => new PollSettings({ ... }))`.
 */
export class PollSettings {
  launchConcurrency: number = pollsConfig.launchConcurrency
  readConcurrency: number = pollsConfig.readConcurrency
  readsPerSecond: number = pollsConfig.readsPerSecond
  minReadIntervalMs: number = pollsConfig.minReadIntervalMs
  maxReadIntervalMs: number = pollsConfig.maxReadIntervalMs
  quietBackoffFactor: number = pollsConfig.quietBackoffFactor
  rateLimitReserve: number = pollsConfig.rateLimitReserve
  endGraceMs: number = pollsConfig.endGraceMs
  ownerLockTtlMs: number = pollsConfig.ownerLockTtlMs
  ownerGraceMs: number = pollsConfig.ownerGraceMs
  endRetryMs: number = pollsConfig.endRetryMs
  pollerLockTtlMs: number = pollsConfig.pollerLockTtlMs
  watchIntervalMs: number = pollsConfig.watchIntervalMs

  constructor(overrides: Partial<PollSettings> = {}) {
    Object.assign(this, overrides)
  }
}
