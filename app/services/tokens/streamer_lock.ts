import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { errorMessage } from '#services/error_message'

type LockedResult<T> = { acquired: true; value: T } | { acquired: false }

/**
 * Single flight per streamer across every process (docs/token-policy.md): a Redis lock
 * through `@adonisjs/lock`. A second caller waits for the first one; it must
 * then re-read the streamer, which `StreamerRefresher` does.
 */
@inject()
export class StreamerLock {
  constructor(private settings: TokenRefreshSettings) {}

  static key(streamerId: number) {
    return `token-refresh:streamer:${streamerId}`
  }

  /**
   * Runs `callback` holding the streamer's lock, waiting for it up to
   * `lockWaitMs`. `{ acquired: false }` when the wait timed out.
   */
  async run<T>(streamerId: number, callback: () => Promise<T>): Promise<LockedResult<T>> {
    const streamerLock = lock.createLock(StreamerLock.key(streamerId), this.settings.lockTtlMs)
    const acquired = await streamerLock.acquire({
      retry: { timeout: this.settings.lockWaitMs, delay: this.settings.lockPollMs },
    })
    if (!acquired) {
      return { acquired: false }
    }
    try {
      return { acquired: true, value: await callback() }
    } finally {
      await streamerLock.release().catch((error: unknown) => {
        // The TTL ran out under a very slow attempt: someone else may own it now.
        logger.warn(
          { streamerId, error: errorMessage(error) },
          '[TokenRefresh] streamer lock expired before it was released'
        )
      })
    }
  }
}
