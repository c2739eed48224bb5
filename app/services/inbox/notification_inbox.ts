import { inject } from '@adonisjs/core'
import type User from '#models/user'
import Notification from '#models/notification'
import { Clock } from '#services/clock'
import { translator } from '#services/i18n/translator'
import { notificationTexts, storedMessage } from '#services/notifications/notification_texts'

/**
 * A user's in-app notifications (the `notifications` rows written by the
 * NotificationService): what the dashboard and /notifications show.
 */
@inject()
export class NotificationInbox {
  constructor(private clock: Clock) {}

  /**
   * Unread first, newest first within each group; written out in the
   * user's interface language as it is now (docs/languages.md).
   */
  async latest(user: User, limit: number) {
    const notifications = await Notification.query()
      .where('user_id', user.id)
      .orderByRaw('read_at IS NULL DESC')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
    const i18n = translator(user.locale)
    for (const notification of notifications) {
      const message = storedMessage(notification.message)
      if (message) notification.merge(notificationTexts(i18n, message))
    }
    return notifications
  }

  async unreadCount(user: User) {
    const row = await Notification.query()
      .where('user_id', user.id)
      .whereNull('read_at')
      .count('* as total')
      .first()
    return Number(row?.$extras.total ?? 0)
  }

  /**
   * Marks one of the user's notifications read; someone else's is a 404.
   */
  async markRead(user: User, notificationId: number) {
    const notification = await Notification.query()
      .where('user_id', user.id)
      .where('id', notificationId)
      .firstOrFail()
    if (!notification.readAt) {
      notification.readAt = this.clock.now()
      await notification.save()
    }
    return notification
  }

  async markAllRead(user: User) {
    const updated = await Notification.query()
      .where('user_id', user.id)
      .whereNull('read_at')
      .update({ read_at: this.clock.now().toJSDate() })
    return Number(Array.isArray(updated) ? updated[0] : updated)
  }
}
