import app from '@adonisjs/core/services/app'
import { NotificationChannelRegistry } from '#services/notifications/notification_channel'

/**
 * Waits for the deliveries (web push) the notifications sent so far started
 * in the background, so a test can look at what was delivered.
 */
export async function settleNotifications() {
  const channels = await app.container.make(NotificationChannelRegistry)
  await channels.settle()
}
