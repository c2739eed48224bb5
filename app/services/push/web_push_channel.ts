import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { PushSettings } from '#services/push/push_settings'
import { WebPushSender, type PushDelivery, type PushResult } from '#services/push/web_push_sender'
import {
  NotificationPreferences,
  categoryOfType,
} from '#services/notifications/notification_preferences'
import type {
  DeliverableNotification,
  NotificationChannel,
} from '#services/notifications/notification_channel'

/**
 * The web-push delivery channel of the NotificationService: every stored
 * notification goes to every browser its user subscribed, unless the user
 * turned that category off. Registered by providers/push_provider.ts.
 */
@inject()
export class WebPushChannel implements NotificationChannel {
  readonly name = 'web-push'

  constructor(
    private settings: PushSettings,
    private sender: WebPushSender,
    private preferences: NotificationPreferences
  ) {}

  async deliver(notifications: readonly DeliverableNotification[]) {
    await this.send(notifications)
  }

  /**
   * Sends and resolves with one result per push made (for callers that
   * want to know; `deliver` is the channel's entry point).
   */
  async send(notifications: readonly DeliverableNotification[]): Promise<PushResult[]> {
    if (notifications.length === 0) return []
    // Without VAPID keys web push is off (the provider says so once at boot).
    if (!this.settings.vapidConfigured) return []

    const userIds = notifications.map((notification) => notification.userId)
    const pushOff = await this.preferences.pushOffAmong(userIds)
    const wanted = notifications.filter((notification) => {
      const category = categoryOfType(notification.type)
      return !category || !pushOff.has(`${notification.userId}:${category.key}`)
    })
    if (wanted.length === 0) return []

    const subscriptions: {
      id: number
      user_id: number
      endpoint: string
      p256dh: string
      auth: string
    }[] = await db
      .from('push_subscriptions')
      .whereIn('user_id', [...new Set(wanted.map((notification) => notification.userId))])
      .select('id', 'user_id', 'endpoint', 'p256dh', 'auth')
      .orderBy('id')

    const deliveries: PushDelivery[] = wanted.flatMap((notification) =>
      subscriptions
        .filter((subscription) => subscription.user_id === notification.userId)
        .map((subscription) => ({
          target: subscription,
          message: {
            id: notification.id,
            type: notification.type,
            title: notification.title,
            body: notification.body,
            url: notification.url,
          },
          options: {
            urgency: notification.urgency,
            ttlSeconds: categoryOfType(notification.type)?.ttlSeconds,
          },
        }))
    )
    return this.sender.sendAll(deliveries)
  }
}
