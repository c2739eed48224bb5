import { inject } from '@adonisjs/core'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { AccessRevocation } from '#services/eventsub/access_revocation'

/**
 * `user.authorization.revoke`: someone disconnected Chorus on Twitch.
 */
@inject()
export class AuthorizationRevokeHandler implements EventSubHandler {
  constructor(private revocation: AccessRevocation) {}

  async handle(notification: EventSubNotification) {
    const event = notification.event as { user_id?: unknown } | null
    if (typeof event?.user_id !== 'string') return
    await this.revocation.revoked(event.user_id)
  }
}
