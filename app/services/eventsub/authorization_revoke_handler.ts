import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import twitchConfig from '#config/twitch'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { AccessRevocation } from '#services/eventsub/access_revocation'
import type { AuthorizationRevokeShape } from '#validators/eventsub'

/**
 * `user.authorization.revoke`: someone disconnected Chorus on Twitch. Only
 * for our own client id: another application's revocation says nothing of
 * Chorus's tokens and changes nothing.
 */
@inject()
export class AuthorizationRevokeHandler implements EventSubHandler {
  constructor(private revocation: AccessRevocation) {}

  async handle(notification: EventSubNotification) {
    const event = notification.event as AuthorizationRevokeShape
    const ours = twitchConfig.clientId
    if (event.client_id !== ours || (notification.condition.client_id ?? ours) !== ours) {
      logger.warn(
        { messageId: notification.messageId },
        '[EventSub] ignored a revocation for another application'
      )
      return
    }
    await this.revocation.revoked(event.user_id)
  }
}
