import { inject } from '@adonisjs/core'
import { LivePollBlocksDeletionError } from '#services/domain_errors'
import logger from '@adonisjs/core/services/logger'
import type User from '#models/user'
import Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'
import PollRun, { LIVE_RUN_STATUSES } from '#models/poll_run'
import Streamer from '#models/streamer'
import {
  NotificationService,
  type NotificationInput,
} from '#services/notifications/notification_service'
import { CAMPAIGN_NOTIFICATION_TYPES } from '#services/campaigns/campaign_notifier'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { errorMessage } from '#services/error_message'

/** To a streamer: the campaign they were in is gone with its GM's account. */
export const CAMPAIGN_DELETED_TYPE = 'campaign.deleted'

/**
 * What deleting an account takes with it, shown before the person confirms.
 */
interface AccountDeletionPlan {
  /** Campaigns the person runs as GM: deleted, with their polls and history. */
  ownedCampaigns: { id: number; name: string; streamers: number }[]
  /** Campaigns the person streams in: they leave them, their GMs (owners) are told. */
  memberOf: { id: number; name: string; ownerId: number }[]
  /** Polls live right now in one of those: deletion waits until they end. */
  livePolls: { campaignId: number; campaignName: string; title: string }[]
}

/**
 * Deletes a person's account and everything Chorus holds about them
 * (docs/operations.md, "Account deletion"):
 *
 * - their Twitch tokens are revoked at Twitch first, so the access they
 *   granted ends now rather than when the token would have expired;
 * - the user row goes, and with it (foreign keys cascade) their streamer,
 *   memberships, push subscriptions, notifications and preferences, and the
 *   campaigns they run with those campaigns' polls, runs and invitations;
 * - then the people affected are told: the streamers of each deleted
 *   campaign, and the GM of each campaign the person streamed in.
 */
@inject()
export class AccountDeletionService {
  constructor(
    private oauth: TwitchOAuthClient,
    private notifications: NotificationService
  ) {}

  async plan(user: User): Promise<AccountDeletionPlan> {
    return this.#plan(user, await Streamer.findBy('user_id', user.id))
  }

  /**
   * Deletes the account. Throws LivePollBlocksDeletionError (and changes
   * nothing) while a poll is live.
   */
  async delete(user: User): Promise<AccountDeletionPlan> {
    const streamer = await Streamer.findBy('user_id', user.id)
    const plan = await this.#plan(user, streamer)
    if (plan.livePolls.length > 0) {
      throw new LivePollBlocksDeletionError(plan.livePolls)
    }
    const notices = await this.#notices(user, streamer, plan)

    if (streamer) await this.#revokeAtTwitch(streamer)
    await user.delete()

    try {
      await this.notifications.notify(notices)
    } catch (error) {
      // The account is gone either way; only the courtesy notices are lost.
      logger.warn(
        { error: errorMessage(error) },
        '[Accounts] could not notify about a deleted account'
      )
    }
    return plan
  }

  async #plan(user: User, streamer: Streamer | null): Promise<AccountDeletionPlan> {
    const owned = await Campaign.query()
      .where('owner_id', user.id)
      .withCount('memberships', (members) =>
        members.whereHas('streamer', (other) => other.whereNot('user_id', user.id)).as('streamers')
      )
      .orderBy('name')
    const memberOf = streamer
      ? await Campaign.query()
          .whereNot('owner_id', user.id)
          .whereHas('memberships', (membership) =>
            membership.where('streamer_id', streamer.id).where('status', 'active')
          )
          .orderBy('name')
      : []
    const livePolls = await PollRun.query()
      .whereIn('status', LIVE_RUN_STATUSES)
      .where((scope) => {
        scope.whereIn('campaign_id', Campaign.query().select('id').where('owner_id', user.id))
        if (streamer) {
          scope.orWhereHas('channels', (channel) => channel.where('streamer_id', streamer.id))
        }
      })
      .preload('campaign')
    return {
      ownedCampaigns: owned.map((campaign) => ({
        id: campaign.id,
        name: campaign.name,
        streamers: Number(campaign.$extras.streamers),
      })),
      memberOf: memberOf.map(({ id, name, ownerId }) => ({ id, name, ownerId })),
      livePolls: livePolls.map((run) => ({
        campaignId: run.campaignId,
        campaignName: run.campaign.name,
        title: run.title,
      })),
    }
  }

  /**
   * Both tokens, so neither can be used again. Twitch being unreachable does
   * not keep the account: the tokens are deleted with it, so nobody can use
   * them, and the access token dies when it expires.
   */
  async #revokeAtTwitch(streamer: Streamer) {
    for (const token of [streamer.accessToken, streamer.refreshToken]) {
      if (!token) continue
      try {
        await this.oauth.revoke(token)
      } catch (error) {
        logger.warn(
          {
            streamerId: streamer.id,
            error: errorMessage(error),
          },
          '[Accounts] could not revoke a token at Twitch while deleting an account'
        )
      }
    }
  }

  /**
   * Written before the rows go (the names are needed), sent after.
   */
  async #notices(user: User, streamer: Streamer | null, plan: AccountDeletionPlan) {
    const notices: NotificationInput[] = []
    const ownedIds = plan.ownedCampaigns.map((campaign) => campaign.id)
    if (ownedIds.length > 0) {
      const members = await CampaignMembership.query()
        .whereIn('campaign_id', ownedIds)
        .preload('campaign')
        .preload('streamer')
      for (const membership of members) {
        if (membership.streamer.userId === user.id) continue
        const name = membership.campaign.name
        notices.push({
          userId: membership.streamer.userId,
          type: CAMPAIGN_DELETED_TYPE,
          message: { key: 'notifications.gm_deleted_account', values: { campaign: name } },
          url: '/dashboard',
        })
      }
    }
    if (streamer) {
      const who = streamer.twitchDisplayName || streamer.twitchLogin
      for (const campaign of plan.memberOf) {
        notices.push({
          userId: campaign.ownerId,
          type: CAMPAIGN_NOTIFICATION_TYPES.left,
          message: {
            key: 'notifications.member_deleted_account',
            values: { name: who, campaign: campaign.name },
          },
          url: `/campaigns/${campaign.id}`,
        })
      }
    }
    return notices
  }
}
