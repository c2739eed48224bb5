import type { DateTime } from 'luxon'

export type NotificationUrgency = 'normal' | 'high'

/**
 * A notification as stored in `notifications`, handed to delivery channels
 * after the row exists (the row is the record; a channel is best effort).
 */
export interface DeliverableNotification {
  id: number
  userId: number
  type: string
  title: string
  body: string
  /** Absolute URL the notification opens. */
  url: string | null
  urgency: NotificationUrgency
  createdAt: DateTime
}

/**
 * A way to reach users outside the app (web push, later maybe e-mail).
 * `deliver` may fail or be slow: the NotificationService runs it in the
 * background, logs a failure and never passes it on to its caller.
 */
export interface NotificationChannel {
  readonly name: string
  deliver(notifications: readonly DeliverableNotification[]): Promise<void>
}

/**
 * The channels every NotificationService delivers through, registered once
 * per process (e.g. the web-push channel in a provider or preload):
 * `notificationChannels.register(channel)`.
 */
export class NotificationChannelRegistry {
  #channels: NotificationChannel[] = []

  register(channel: NotificationChannel) {
    if (!this.#channels.includes(channel)) {
      this.#channels.push(channel)
    }
  }

  unregister(channel: NotificationChannel) {
    this.#channels = this.#channels.filter((registered) => registered !== channel)
  }

  list(): readonly NotificationChannel[] {
    return [...this.#channels]
  }
}

export const notificationChannels = new NotificationChannelRegistry()
