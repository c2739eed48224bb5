import tokensConfig from '#config/tokens'
import type { BackoffSettings } from '#services/tokens/token_refresh_policy'

/**
 * The knobs of the token refresh engine, read from config/tokens.ts.
 * Injectable: tests swap in other values with
 * `app.container.swap(TokenRefreshSettings, () => new TokenRefreshSettings({ ... }))`.
 */
export class TokenRefreshSettings {
  /** The web process runs the refresh cycles, the retry sweep and the hourly validation. */
  schedulerEnabled: boolean = tokensConfig.schedulerEnabled
  concurrency: number = tokensConfig.concurrency
  timezone: string = tokensConfig.timezone
  pageSize: number = tokensConfig.pageSize
  backoff: BackoffSettings = { ...tokensConfig.backoff }
  lockTtlMs: number = tokensConfig.lockTtlMs
  lockWaitMs: number = tokensConfig.lockWaitMs
  lockPollMs: number = tokensConfig.lockPollMs
  transientRetryDelayMinutes: number = tokensConfig.transientRetryDelayMinutes

  constructor(overrides: Partial<TokenRefreshSettings> = {}) {
    Object.assign(this, overrides)
  }
}
