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
 * The channels every NotificationService delivers through, and the
 * deliveries still running in the background (so a process can wait for
 * them before it exits). One per process: a container singleton bound by
 * providers/push_provider.ts; channels register at boot.
 */
export class NotificationChannelRegistry {
  #channels: NotificationChannel[] = []
  #pending = new Set<Promise<void>>()

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

  /** Remembers a delivery until it settles. */
  track(delivery: Promise<void>) {
    this.#pending.add(delivery)
    delivery.finally(() => this.#pending.delete(delivery)).catch(() => {})
  }

  /** Waits for every delivery started so far, and those they start. */
  async settle() {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending])
    }
  }
}
