import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Campaign from '#models/campaign'
import type Streamer from '#models/streamer'
import {
  NOTIFICATION_TYPES,
  NotificationService,
  type NotificationInput,
} from '#services/notifications/notification_service'
import { notificationSubject } from '#services/notifications/notification_subjects'
import { errorMessage } from '#services/error_message'

export const CAMPAIGN_NOTIFICATION_TYPES = {
  /** To a streamer: a GM invited them. */
  invited: 'campaign.invited',
  /** To the GM: the streamer accepted. */
  accepted: 'campaign.invitation_accepted',
  /** To the GM: the streamer declined. */
  declined: 'campaign.invitation_declined',
  /** To the GM: a member left. */
  left: 'campaign.member_left',
  /** To a streamer: the GM removed them. */
  removed: 'campaign.member_removed',
} as const

type CampaignEvent = keyof typeof CAMPAIGN_NOTIFICATION_TYPES

/** What each says: resources/lang/<locale>/notifications.json. */
const MESSAGE_KEYS: Record<CampaignEvent, string> = {
  invited: 'notifications.invited',
  accepted: 'notifications.accepted',
  declined: 'notifications.declined',
  left: 'notifications.left',
  removed: 'notifications.removed',
}

/**
 * Tells the other side of a campaign what just happened (in-app, and by web
 * push where the person subscribed). The action is already done when this
 * runs, so a failure to notify is logged, never passed on.
 */
@inject()
export class CampaignNotifier {
  constructor(private notifications: NotificationService) {}

  async notify(
    event: CampaignEvent,
    campaign: Campaign,
    streamer: Streamer,
    { membershipId, gmName }: { membershipId: number; gmName?: string }
  ) {
    const name = streamer.twitchDisplayName || streamer.twitchLogin
    const subject = notificationSubject.membership(membershipId)
    const message = {
      key: MESSAGE_KEYS[event],
      values: { name, campaign: campaign.name, gm: gmName ?? '', hasGm: gmName ? 'yes' : 'no' },
    }
    const toStreamer = event === 'invited' || event === 'removed'
    const input: NotificationInput = {
      userId: toStreamer ? streamer.userId : campaign.ownerId,
      type: CAMPAIGN_NOTIFICATION_TYPES[event],
      message,
      url: toStreamer ? '/dashboard' : `/campaigns/${campaign.id}`,
      subject,
    }

    // Nobody needs to hear about their own action (a GM streaming their own campaign).
    if (campaign.ownerId === streamer.userId) return

    try {
      await this.notifications.notify([input])
    } catch (error) {
      logger.warn(
        { campaignId: campaign.id, event, error: errorMessage(error) },
        '[Campaigns] could not write a notification'
      )
    }
  }

  /**
   * The invitation was answered or withdrawn, the member removed or the
   * campaign deleted: the invitation's notification (and a pending
   * "authorization ends soon") is settled. Like notify(), a failure is logged, never passed on.
   */
  async settle(membershipIds: number | number[], what: 'invitation' | 'authorization' | 'all') {
    const ids = Array.isArray(membershipIds) ? membershipIds : [membershipIds]
    const types = {
      invitation: [CAMPAIGN_NOTIFICATION_TYPES.invited],
      authorization: [NOTIFICATION_TYPES.authorizationExpiring],
      all: [CAMPAIGN_NOTIFICATION_TYPES.invited, NOTIFICATION_TYPES.authorizationExpiring],
    }[what]
    try {
      await this.notifications.resolve(ids.map(notificationSubject.membership), types)
    } catch (error) {
      logger.warn(
        { membershipIds: ids, error: errorMessage(error) },
        '[Campaigns] could not resolve notifications'
      )
    }
  }
}
