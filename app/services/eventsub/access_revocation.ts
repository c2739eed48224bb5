import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import Streamer from '#models/streamer'
import { NotificationService } from '#services/notifications/notification_service'
import { StreamerLock } from '#services/tokens/streamer_lock'

/**
 * A streamer disconnected Chorus on Twitch: their tokens are dead. The
 * streamer is deactivated at once (no refresh is tried: it could only
 * fail), its tokens are forgotten, and the streamer and the GMs of its
 * campaigns are told as after a second refused refresh, with the reason.
 * Under the streamer's refresh lock, so a refresh in flight cannot write
 * tokens back afterwards.
 */
@inject()
export class AccessRevocation {
  constructor(
    private streamerLock: StreamerLock,
    private notifications: NotificationService
  ) {}

  /** Nothing to do when the user is not a streamer of Chorus. */
  async revoked(twitchUserId: string): Promise<void> {
    const known = await Streamer.findBy('twitch_user_id', twitchUserId)
    if (!known) return

    const locked = await this.streamerLock.run(known.id, async () => {
      const streamer = await Streamer.findOrFail(known.id)
      const wasActive = streamer.isActive
      if (!wasActive && !streamer.accessTokenEncrypted && !streamer.refreshTokenEncrypted) {
        return { streamer, wasActive }
      }
      streamer.merge({
        isActive: false,
        tokenRefreshFailedAt: null,
        accessTokenEncrypted: null,
        refreshTokenEncrypted: null,
        tokenExpiresAt: null,
      })
      await streamer.save()
      return { streamer, wasActive }
    })
    if (!locked.acquired) {
      // Thrown so the webhook answers 500 and Twitch delivers the event again.
      throw new Error('the streamer is locked by a refresh that does not finish')
    }

    const { streamer, wasActive } = locked.value
    logger.warn(
      { streamerId: streamer.id },
      '[EventSub] a streamer revoked Chorus on Twitch: deactivated, tokens forgotten'
    )
    if (wasActive) {
      await this.notifications.notifyStreamerDeactivated(streamer, 'access_revoked')
    }
  }
}
