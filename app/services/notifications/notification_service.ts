import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { appUrl } from '#config/app'
import { Clock } from '#services/clock'
import type Streamer from '#models/streamer'
import { notificationSubject } from '#services/notifications/notification_subjects'
import {
  NotificationChannelRegistry,
  type DeliverableNotification,
  type NotificationUrgency,
} from '#services/notifications/notification_channel'
import { errorMessage } from '#services/error_message'
import { translator } from '#services/i18n/translator'
import { notificationTexts } from '#services/notifications/notification_texts'
import type { Message } from '#services/i18n/message'

export const NOTIFICATION_TYPES = {
  /** To the streamer: their Twitch connection is lost, reconnect. */
  reconnectRequired: 'token.reconnect_required',
  /** To a GM: a member of their campaign was disconnected. */
  streamerDisconnected: 'campaign.streamer_disconnected',
  /** To the streamer: a campaign's poll authorization ends in 30 minutes. */
  authorizationExpiring: 'authorization.expiring_soon',
  /** To a campaign's GM and streamers: a poll went live / ended. */
  pollStarted: 'poll.started',
  pollEnded: 'poll.ended',
} as const

/** Why a streamer was deactivated, for the notification texts. */
type DeactivationReason = 'refresh_refused' | 'access_revoked'

export interface NotificationInput {
  userId: number
  type: string
  /** What it says, written out in the recipient's language (notification_texts.ts). */
  message: Message
  /**
   * A path under APP_URL ("/campaigns/3") or an absolute URL. A path, not a
   * named route: notifications are also sent by console commands and
   * background jobs, where the router's named routes are not committed.
   */
  url: string | null
  urgency?: NotificationUrgency
  /** What it is about (see notification_subjects.ts), so it can be resolved. */
  subject?: string | null
}

interface NotificationRow {
  id: number
  user_id: number
  type: string
  title: string
  body: string
  url: string | null
  created_at: Date | string
}

/**
 * Tells people what happened: every notification is first written to
 * `notifications` (the in-app list, the record that survives a failed push),
 * then handed to the registered delivery channels (web push) in the
 * background. A channel failing or hanging never fails or delays the caller.
 */
@inject()
export class NotificationService {
  constructor(
    private clock: Clock,
    private channels: NotificationChannelRegistry
  ) {}

  /**
   * Writes the rows in one insert, then starts delivery. Resolves with the
   * stored notifications once the rows exist. Each is written out in its
   * recipient's interface language; the row keeps the message too, so the
   * in-app list follows a later change of language.
   */
  async notify(inputs: NotificationInput[]): Promise<DeliverableNotification[]> {
    if (inputs.length === 0) return []
    const createdAt = this.clock.now()
    const locales = await localesOf(inputs.map((input) => input.userId))
    const rows: NotificationRow[] = await db
      .table('notifications')
      .multiInsert(
        inputs.map((input) => ({
          user_id: input.userId,
          type: input.type,
          ...notificationTexts(translator(locales.get(input.userId)), input.message),
          message: JSON.stringify(input.message),
          url: input.url === null ? null : absoluteUrl(input.url),
          subject: input.subject ?? null,
          created_at: createdAt.toJSDate(),
        }))
      )
      .returning(['id', 'user_id', 'type', 'title', 'body', 'url', 'created_at'])

    const stored = rows.map((row, index) => ({
      id: row.id,
      userId: row.user_id,
      type: row.type,
      title: row.title,
      body: row.body,
      url: row.url,
      urgency: inputs[index].urgency ?? 'normal',
      createdAt,
    }))
    this.#deliver(stored)
    return stored
  }

  /**
   * A streamer was deactivated (docs/token-policy.md, "Failures"): after a
   * second permanent refresh failure, or because they revoked Chorus's access
   * on Twitch. The streamer gets a reconnect link, the GM of every campaign
   * the streamer is an active member of gets a link to it; the texts say why.
   */
  async notifyStreamerDeactivated(
    streamer: Streamer,
    reason: DeactivationReason = 'refresh_refused'
  ): Promise<DeliverableNotification[]> {
    const campaigns: { id: number; name: string; owner_id: number }[] = await db
      .from('campaign_memberships')
      .join('campaigns', 'campaigns.id', 'campaign_memberships.campaign_id')
      .where('campaign_memberships.streamer_id', streamer.id)
      .where('campaign_memberships.status', 'active')
      .select('campaigns.id', 'campaigns.name', 'campaigns.owner_id')
      .orderBy('campaigns.id')

    const name = streamer.twitchDisplayName || streamer.twitchLogin
    // Resolved when the streamer signs in with Twitch again (resolveReconnected).
    const subject = notificationSubject.streamer(streamer.id)
    const inputs: NotificationInput[] = [
      {
        userId: streamer.userId,
        type: NOTIFICATION_TYPES.reconnectRequired,
        message: { key: 'notifications.reconnect_required', values: { reason } },
        url: '/auth/twitch/redirect',
        urgency: 'high',
        subject,
      },
      ...campaigns
        // A GM who is this streamer already got the reconnect notification.
        .filter((campaign) => campaign.owner_id !== streamer.userId)
        .map((campaign): NotificationInput => ({
          userId: campaign.owner_id,
          type: NOTIFICATION_TYPES.streamerDisconnected,
          message: {
            key: 'notifications.streamer_disconnected',
            values: { name, login: streamer.twitchLogin, reason, campaign: campaign.name },
          },
          url: `/campaigns/${campaign.id}`,
          urgency: 'high',
          subject,
        })),
    ]
    return this.notify(inputs)
  }

  /**
   * The matter a notification is about is settled (an invitation answered, a
   * streamer reconnected): its notifications of these types are marked read
   * and resolved, for every user who got one. Returns how many changed.
   */
  async resolve(subjects: string | string[], types: string[]): Promise<number> {
    const list = Array.isArray(subjects) ? subjects : [subjects]
    if (list.length === 0) return 0
    const now = this.clock.now().toJSDate()
    const updated = await db
      .from('notifications')
      .whereIn('subject', list)
      .whereIn('type', types)
      .whereNull('resolved_at')
      .update({ resolved_at: now, read_at: db.raw('COALESCE(read_at, ?)', [now]) })
    return Number(Array.isArray(updated) ? updated[0] : updated)
  }

  /**
   * The streamer signed in with Twitch again: "reconnect" (to them) and
   * "needs to reconnect" (to their GMs) are settled.
   */
  async resolveReconnected(streamerId: number) {
    return this.resolve(notificationSubject.streamer(streamerId), [
      NOTIFICATION_TYPES.reconnectRequired,
      NOTIFICATION_TYPES.streamerDisconnected,
    ])
  }

  #deliver(notifications: DeliverableNotification[]) {
    for (const channel of this.channels.list()) {
      const delivery = Promise.resolve()
        .then(() => channel.deliver(notifications))
        .catch((error: unknown) => {
          logger.warn(
            {
              channel: channel.name,
              notificationIds: notifications.map((notification) => notification.id),
              error: errorMessage(error),
            },
            `[Notifications] delivery through ${channel.name} failed`
          )
        })
      this.channels.track(delivery)
    }
  }
}

/** Each recipient's interface language, in one query. */
async function localesOf(userIds: number[]): Promise<Map<number, string>> {
  const rows: { id: number; locale: string }[] = await db
    .from('users')
    .whereIn('id', [...new Set(userIds)])
    .select('id', 'locale')
  return new Map(rows.map((row) => [row.id, row.locale]))
}

function absoluteUrl(url: string) {
  return /^https?:\/\//i.test(url) ? url : `${appUrl}${url.startsWith('/') ? '' : '/'}${url}`
}
