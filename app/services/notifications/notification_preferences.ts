import db from '@adonisjs/lucid/services/db'
import { inject } from '@adonisjs/core'
import { Clock } from '#services/clock'
import { NOTIFICATION_TYPES } from '#services/notifications/notification_service'
import { CAMPAIGN_NOTIFICATION_TYPES } from '#services/campaigns/campaign_notifier'

/**
 * A kind of notification a user can choose to receive as web push or not.
 * Every notification is stored in-app whatever the user chose.
 */
interface NotificationCategory {
  /** Its label and description are `notifications.categories.<key>` (resources/lang). */
  key: string
  /** The `notifications.type` values of this category. */
  types: readonly string[]
  /** How long a push service keeps it for an offline browser (default: config). */
  ttlSeconds?: number
  /**
   * Sent only about a channel that streams a campaign: the settings page
   * shows it to members of a campaign only (a GM who streams none never
   * receives it).
   */
  membersOnly?: boolean
}

export const NOTIFICATION_CATEGORIES: readonly NotificationCategory[] = [
  {
    key: 'token_refresh_failed',
    types: [NOTIFICATION_TYPES.reconnectRequired, NOTIFICATION_TYPES.streamerDisconnected],
  },
  {
    key: 'authorization_expiring',
    types: [NOTIFICATION_TYPES.authorizationExpiring],
    membersOnly: true,
    // Useless once the authorization has ended.
    ttlSeconds: 30 * 60,
  },
  {
    key: 'invitation_received',
    types: [CAMPAIGN_NOTIFICATION_TYPES.invited],
  },
  {
    key: 'campaign_membership',
    types: [
      CAMPAIGN_NOTIFICATION_TYPES.accepted,
      CAMPAIGN_NOTIFICATION_TYPES.declined,
      CAMPAIGN_NOTIFICATION_TYPES.left,
      CAMPAIGN_NOTIFICATION_TYPES.removed,
    ],
  },
  {
    key: 'poll_started',
    types: [NOTIFICATION_TYPES.pollStarted],
    membersOnly: true,
    ttlSeconds: 30 * 60,
  },
  {
    key: 'poll_ended',
    types: [NOTIFICATION_TYPES.pollEnded],
    membersOnly: true,
  },
]

const CATEGORY_BY_TYPE = new Map(
  NOTIFICATION_CATEGORIES.flatMap((category) => category.types.map((type) => [type, category]))
)

/** The category of a notification type; undefined for a type no switch governs. */
export function categoryOfType(type: string): NotificationCategory | undefined {
  return CATEGORY_BY_TYPE.get(type)
}

type PushChoices = Record<string, boolean>

/**
 * Reads and writes each user's push choices (`notification_preferences`).
 * A category without a row is pushed.
 */
@inject()
export class NotificationPreferences {
  constructor(private clock: Clock) {}

  /** Every category with the user's choice. */
  async choicesOf(userId: number): Promise<PushChoices> {
    const rows: { category: string; push_enabled: boolean }[] = await db
      .from('notification_preferences')
      .where('user_id', userId)
      .select('category', 'push_enabled')
    const stored = new Map(rows.map((row) => [row.category, row.push_enabled]))
    return Object.fromEntries(
      NOTIFICATION_CATEGORIES.map((category) => [category.key, stored.get(category.key) ?? true])
    )
  }

  /**
   * The categories the user can receive: those about a streamed channel
   * only for a member (invited or active) of some campaign.
   */
  async categoriesFor(userId: number): Promise<readonly NotificationCategory[]> {
    const membership = await db
      .from('campaign_memberships')
      .join('streamers', 'streamers.id', 'campaign_memberships.streamer_id')
      .where('streamers.user_id', userId)
      .select('campaign_memberships.id')
      .first()
    return membership
      ? NOTIFICATION_CATEGORIES
      : NOTIFICATION_CATEGORIES.filter((category) => !category.membersOnly)
  }

  /**
   * Stores the user's choice for every known category (unknown keys are ignored).
   */
  async save(userId: number, choices: PushChoices) {
    const now = this.clock.now().toJSDate()
    await db
      .knexQuery()
      .table('notification_preferences')
      .insert(
        NOTIFICATION_CATEGORIES.map((category) => ({
          user_id: userId,
          category: category.key,
          push_enabled: choices[category.key] === true,
          created_at: now,
          updated_at: now,
        }))
      )
      .onConflict(['user_id', 'category'])
      .merge(['push_enabled', 'updated_at'])
  }

  /**
   * The `user:category` pairs, among those users, whose push is turned off.
   */
  async pushOffAmong(userIds: readonly number[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set()
    const rows: { user_id: number; category: string }[] = await db
      .from('notification_preferences')
      .whereIn('user_id', [...new Set(userIds)])
      .where('push_enabled', false)
      .select('user_id', 'category')
    return new Set(rows.map((row) => `${row.user_id}:${row.category}`))
  }
}
