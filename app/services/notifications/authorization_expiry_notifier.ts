import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { notificationSubject } from '#services/notifications/notification_subjects'
import {
  NOTIFICATION_TYPES,
  NotificationService,
  type NotificationInput,
} from '#services/notifications/notification_service'

/** How long before a poll authorization ends the streamer is told. */
const EXPIRY_NOTICE_LEAD_MINUTES = 30

interface ExpiringAuthorization {
  membership_id: number
  expires_at: Date
  campaign_id: number
  campaign_name: string
  user_id: number
}

/**
 * Tells a streamer, once per grant, that a campaign's poll authorization
 * ends within 30 minutes. Meant to run every minute (see `run`); a grant is
 * remembered by membership and expiry time in `authorization_expiry_notices`,
 * so a second run, a second web instance or a restart never repeats it,
 * while a new grant (a new expiry time) is told again.
 */
@inject()
export class AuthorizationExpiryNotifier {
  constructor(
    private clock: Clock,
    private notifications: NotificationService
  ) {}

  /**
   * Notifies every streamer (still active) whose accepted membership's
   * authorization ends within the lead time and was not told yet.
   * Resolves with the number of notifications sent.
   */
  async run(): Promise<number> {
    const now = this.clock.now()
    const expiring = await CampaignMembership.query()
      .withScopes((scopes) => scopes.authorizationActive(now))
      .join('campaigns as c', 'c.id', 'campaign_memberships.campaign_id')
      .join('streamers as s', 's.id', 'campaign_memberships.streamer_id')
      .where('s.is_active', true)
      .where(
        'campaign_memberships.poll_authorization_expires_at',
        '<=',
        now.plus({ minutes: EXPIRY_NOTICE_LEAD_MINUTES }).toJSDate()
      )
      .whereNotExists((notices) => {
        notices
          .from('authorization_expiry_notices as n')
          .whereColumn('n.campaign_membership_id', 'campaign_memberships.id')
          .whereColumn('n.expires_at', 'campaign_memberships.poll_authorization_expires_at')
      })
      .select(
        'campaign_memberships.id as membership_id',
        'campaign_memberships.poll_authorization_expires_at as expires_at',
        'c.id as campaign_id',
        'c.name as campaign_name',
        's.user_id'
      )
      .orderBy('campaign_memberships.id')
      .pojo<ExpiringAuthorization>()
    if (expiring.length === 0) return 0

    // Claim each grant first: whoever inserts the notice row sends it.
    const claimed: { campaign_membership_id: number }[] = await db
      .knexQuery()
      .table('authorization_expiry_notices')
      .insert(
        expiring.map((row) => ({
          campaign_membership_id: row.membership_id,
          expires_at: row.expires_at,
          notified_at: now.toJSDate(),
        }))
      )
      .onConflict(['campaign_membership_id', 'expires_at'])
      .ignore()
      .returning(['campaign_membership_id'])
    const mine = new Set(claimed.map((row) => row.campaign_membership_id))
    const toNotify = expiring.filter((row) => mine.has(row.membership_id))

    try {
      await this.notifications.notify(toNotify.map((row) => this.#notification(row, now)))
    } catch (error) {
      // Not told after all: let the next run try again.
      await db
        .from('authorization_expiry_notices')
        .whereIn('campaign_membership_id', [...mine])
        .where('notified_at', now.toJSDate())
        .delete()
      throw error
    }
    return toNotify.length
  }

  #notification(row: ExpiringAuthorization, now: DateTime): NotificationInput {
    const expiresAt = DateTime.fromJSDate(row.expires_at)
    const minutes = Math.max(1, Math.round(expiresAt.diff(now, 'minutes').minutes))
    return {
      userId: row.user_id,
      type: NOTIFICATION_TYPES.authorizationExpiring,
      message: {
        key: 'notifications.authorization_expiring',
        values: { minutes, campaign: row.campaign_name },
      },
      url: `/campaigns/${row.campaign_id}`,
      urgency: 'high',
      // Resolved when the streamer grants again, revokes or leaves.
      subject: notificationSubject.membership(row.membership_id),
    }
  }
}
