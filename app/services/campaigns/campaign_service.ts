import { inject } from '@adonisjs/core'
import type User from '#models/user'
import Campaign from '#models/campaign'
import { membershipsOf } from '#policies/campaign_policy'
import { ChannelStateService, type ChannelCounts } from '#services/campaigns/channel_state'
import CampaignMembership from '#models/campaign_membership'
import { CampaignNotifier } from '#services/campaigns/campaign_notifier'

interface CampaignInput {
  name: string
  description?: string | null
}

/**
 * A GM's campaigns, and the campaign lists of the dashboard.
 */
@inject()
export class CampaignService {
  constructor(
    private notifier: CampaignNotifier,
    private channelStates: ChannelStateService
  ) {}

  async create(owner: User, input: CampaignInput) {
    return Campaign.create({
      ownerId: owner.id,
      name: input.name,
      description: input.description ?? '',
    })
  }

  async update(campaign: Campaign, input: CampaignInput) {
    campaign.merge({ name: input.name, description: input.description ?? '' })
    await campaign.save()
    return campaign
  }

  /**
   * Deletes the campaign with its memberships and invitations (cascade).
   */
  async delete(campaign: Campaign) {
    const memberships = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .select('id')
    await campaign.delete()
    // Invitations to it can no longer be answered.
    await this.notifier.settle(
      memberships.map((membership) => membership.id),
      'all'
    )
  }

  /**
   * The GM's campaigns with how many members are in, how many of them can run
   * polls now and how many are invited, counted in the same query and by the
   * same rule as the channel state (docs/architecture.md, "A channel's state"):
   * accepted, authorization running, connection accepted by Twitch, a channel
   * that can vote.
   */
  async ownedBy(user: User) {
    return Campaign.query()
      .where('owner_id', user.id)
      .withCount('memberships', (members) => members.where('status', 'active').as('membersCount'))
      .withCount('memberships', (invited) => invited.where('status', 'pending').as('pendingCount'))
      .withCount('invitations', (invited) => invited.as('awaitingSignInCount'))
      .withCount('memberships', (ready) => this.channelStates.whereReady(ready).as('readyCount'))
      .orderBy('created_at', 'desc')
  }

  /**
   * The counts of `ownedBy`'s campaign, as the views say them.
   */
  static counts(campaign: Campaign): ChannelCounts {
    const count = (name: string) => Number(campaign.$extras[name] ?? 0)
    return {
      members: count('membersCount'),
      ready: count('readyCount'),
      invited: count('pendingCount') + count('awaitingSignInCount'),
    }
  }

  /**
   * The user's memberships as a streamer, `status` active (joined) or pending
   * (invitations to answer), with their campaign and its GM.
   */
  async membershipsOf(user: User, status: 'active' | 'pending') {
    return membershipsOf(user)
      .where('campaign_memberships.status', status)
      .preload('campaign', (campaign) => campaign.preload('owner'))
      .preload('streamer')
      .orderBy('campaign_memberships.invited_at', 'desc')
  }
}
