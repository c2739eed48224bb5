import type { ApplicationService } from '@adonisjs/core/types'
import {
  NotificationChannelRegistry,
  type DeliverableNotification,
  type NotificationChannel,
} from '#services/notifications/notification_channel'

/**
 * Plugs web push into the NotificationService, in every process that can
 * notify (web server, `node ace token:refresh`, tests): the channel is
 * resolved from the container at each delivery, so its settings
 * (PushSettings) can be swapped in tests. Before the app terminates, the
 * deliveries still running get to finish (each request has its timeout).
 */
export default class PushProvider {
  #channel: NotificationChannel | null = null

  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(
      NotificationChannelRegistry,
      () => new NotificationChannelRegistry()
    )
  }

  async ready() {
    const notificationChannels = await this.app.container.make(NotificationChannelRegistry)
    const { WebPushChannel } = await import('#services/push/web_push_channel')

    const container = this.app.container
    const { PushSettings } = await import('#services/push/push_settings')
    const pushSettings = await container.make(PushSettings)
    if (!pushSettings.vapidConfigured) {
      const logger = await container.make('logger')
      logger.warn('[Push] VAPID keys are not set (node ace push:vapid): web push is off')
    }
    this.#channel = {
      name: 'web-push',
      async deliver(notifications: readonly DeliverableNotification[]) {
        const channel = await container.make(WebPushChannel)
        await channel.deliver(notifications)
      },
    }
    notificationChannels.register(this.#channel)

    this.app.terminating(() => notificationChannels.settle())
  }

  async shutdown() {
    if (!this.#channel) return
    const notificationChannels = await this.app.container.make(NotificationChannelRegistry)
    notificationChannels.unregister(this.#channel)
  }
}
