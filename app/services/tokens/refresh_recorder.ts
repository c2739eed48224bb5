import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Streamer from '#models/streamer'
import { NotificationService } from '#services/notifications/notification_service'
import type { TwitchTokenSet } from '#services/twitch/twitch_oauth_client'
import { RefreshTiming } from '#services/tokens/refresh_timing'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import { RefreshedTokenWrites } from '#services/tokens/refreshed_token_writes'
import { decidePermanentFailure, formatDuration } from '#services/tokens/token_refresh_policy'
import {
  failedOutcome,
  streamerLabel,
  type FailedOutcome,
  type RefreshOutcome,
  type RefreshTrigger,
} from '#services/tokens/refresh_outcome'
import { errorMessage } from '#services/error_message'

/** Columns a refresh changes, copied back onto the caller's model instance. */
const REFRESH_COLUMNS = [
  'accessTokenEncrypted',
  'refreshTokenEncrypted',
  'tokenExpiresAt',
  'lastTokenRefreshAt',
  'tokenRefreshFailedAt',
  'isActive',
  'scopes',
  'updatedAt',
] as const

/**
 * What one refresh leaves behind, by outcome (docs/token-policy.md): the
 * write on the streamer, the transient retry queue, the log line and, for a
 * deactivation, the notifications.
 *
 * Each method takes `fresh` (the row re-read under the streamer's lock,
 * which is written) and `original` (the caller's instance, kept in step).
 */
@inject()
export class RefreshRecorder {
  constructor(
    private timing: RefreshTiming,
    private notifications: NotificationService,
    private retryQueue: TransientRetryQueue,
    private writes: RefreshedTokenWrites
  ) {}

  /**
   * New access and refresh tokens, the expiry from `expiresIn` (null: Twitch
   * did not say, due next time), the refresh time and a cleared failure
   * mark, in one write.
   */
  async success(
    fresh: Streamer,
    original: Streamer,
    tokens: TwitchTokenSet,
    expiresIn: number | null,
    trigger: RefreshTrigger | undefined
  ): Promise<RefreshOutcome> {
    const now = this.timing.now()
    fresh.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken })
    fresh.tokenExpiresAt = expiresIn !== null ? now.plus({ seconds: expiresIn }) : null
    fresh.lastTokenRefreshAt = now
    fresh.tokenRefreshFailedAt = null
    if (tokens.scopes.length > 0) {
      fresh.scopes = tokens.scopes
    }
    fresh.updatedAt = now
    // Batched with the other refreshes of the moment, tried twice (Twitch
    // already rotated the refresh token: losing this write would strand the
    // streamer).
    await this.writes.save(fresh)
    adoptState(original, fresh)
    await this.retryQueue.remove(fresh.id)

    logger.debug(
      { streamerId: fresh.id, trigger },
      `[TokenRefresh] ${streamerLabel(fresh)} refreshed`
    )
    return {
      status: 'refreshed',
      streamer: original,
      concurrent: false,
      reason:
        expiresIn !== null
          ? `new token valid for ${formatDuration(fresh.tokenExpiresAt!.diff(now))}`
          : 'new token stored, expiry unknown (Twitch did not say)',
    }
  }

  /**
   * Twitch refused the refresh token (or there is none): decided on the
   * failure time stored before this failure. A first one is marked; a
   * second one within 30 minutes deactivates and notifies.
   */
  async permanentFailure(
    fresh: Streamer,
    original: Streamer,
    why: string,
    trigger: RefreshTrigger | undefined
  ): Promise<FailedOutcome> {
    const decision = decidePermanentFailure(fresh.tokenRefreshFailedAt, this.timing.now())

    if (decision.action === 'mark_first_failure') {
      fresh.tokenRefreshFailedAt = decision.tokenRefreshFailedAt
      await fresh.save()
      adoptState(original, fresh)
      await this.retryQueue.remove(fresh.id)
      logger.warn(
        { streamerId: fresh.id, trigger },
        `[TokenRefresh] ${streamerLabel(fresh)}: first permanent refresh failure (${why})`
      )
      return failedOutcome(original, 'permanent', `${why}; first failure, retried in 15 min`)
    }

    fresh.isActive = false
    fresh.tokenRefreshFailedAt = null
    await fresh.save()
    adoptState(original, fresh)
    await this.retryQueue.remove(fresh.id)
    logger.warn(
      { streamerId: fresh.id, trigger },
      `[TokenRefresh] ${streamerLabel(fresh)} deactivated: second permanent refresh failure within 30 min (${why})`
    )
    let notified = 'streamer and GMs notified'
    try {
      await this.notifications.notifyStreamerDeactivated(fresh)
    } catch (error) {
      notified = 'notifications could not be written'
      logger.error(
        { streamerId: fresh.id, error: errorMessage(error) },
        '[TokenRefresh] could not write the deactivation notifications'
      )
    }
    return {
      ...failedOutcome(
        original,
        'permanent',
        `${why}; second failure within 30 min: deactivated, ${notified}`
      ),
      deactivated: true,
    }
  }

  /**
   * Twitch could not be reached, or refused for a reason that is not the
   * streamer's (a 403 for a wrong client secret…): reported and queued for
   * the sweep, with no mark on the streamer, so it never counts toward a
   * deactivation.
   */
  async transientFailure(
    streamer: Streamer,
    original: Streamer,
    why: string,
    trigger: RefreshTrigger | undefined
  ): Promise<FailedOutcome> {
    await this.retryQueue.schedule(streamer.id, this.timing.transientRetryAt())
    logger.warn(
      { streamerId: streamer.id, trigger },
      `[TokenRefresh] ${streamerLabel(streamer)}: transient refresh failure (${why})`
    )
    return failedOutcome(
      original,
      'transient',
      `${why}; retried by the sweep in ${this.timing.transientRetryMinutes} min`
    )
  }
}

/**
 * Keeps the caller's model instance in step with what was stored.
 */
export function adoptState(target: Streamer, source: Streamer) {
  if (target === source) return
  for (const column of REFRESH_COLUMNS) {
    target.$attributes[column] = source.$attributes[column]
    target.$original[column] = source.$original[column]
  }
}
