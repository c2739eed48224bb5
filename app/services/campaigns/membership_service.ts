import { inject } from '@adonisjs/core'
import type Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { CampaignNotifier } from '#services/campaigns/campaign_notifier'
import { CampaignPolicy } from '#policies/campaign_policy'
import { CampaignActionRefused } from '#services/domain_errors'

/**
 * A streamer answering an invitation or leaving, and a GM removing a member.
 * The membership passed in is already scoped to the person acting (see
 * app/policies/campaign_policy.ts); these methods check its state.
 */
@inject()
export class MembershipService {
  constructor(
    private clock: Clock,
    private notifier: CampaignNotifier
  ) {}

  async accept(membership: CampaignMembership) {
    this.#assertPending(membership)
    membership.status = 'active'
    membership.acceptedAt = this.clock.now()
    await membership.save()
    await this.#notify('accepted', membership)
    await this.notifier.settle(membership.id, 'invitation')
    return membership
  }

  async decline(membership: CampaignMembership) {
    this.#assertPending(membership)
    await this.#loadParties(membership)
    await membership.delete()
    await this.#notify('declined', membership)
    await this.notifier.settle(membership.id, 'invitation')
    return membership
  }

  /**
   * Leaving ends the poll authorization with the membership.
   */
  async leave(membership: CampaignMembership) {
    if (!CampaignPolicy.canActAsMember(membership)) {
      throw new CampaignActionRefused('campaigns.refused.not_joined')
    }
    await this.#loadParties(membership)
    await membership.delete()
    await this.#notify('left', membership)
    await this.notifier.settle(membership.id, 'authorization')
    return membership
  }

  /**
   * The GM removes a member or withdraws an unanswered invitation.
   */
  async remove(campaign: Campaign, membershipId: number) {
    const membership = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .where('id', membershipId)
      .preload('streamer')
      .firstOrFail()
    membership.$setRelated('campaign', campaign)
    await membership.delete()
    await this.#notify('removed', membership)
    await this.notifier.settle(membership.id, 'all')
    return membership
  }

  #assertPending(membership: CampaignMembership) {
    if (!CampaignPolicy.canAnswerInvitation(membership)) {
      throw new CampaignActionRefused('campaigns.refused.already_accepted')
    }
  }

  /**
   * Both sides of the membership, loaded while the row still exists.
   */
  async #loadParties(membership: CampaignMembership) {
    if (!membership.campaign) await membership.load('campaign')
    if (!membership.streamer) await membership.load('streamer')
  }

  async #notify(
    event: 'accepted' | 'declined' | 'left' | 'removed',
    membership: CampaignMembership
  ) {
    await this.#loadParties(membership)
    await this.notifier.notify(event, membership.campaign, membership.streamer, {
      membershipId: membership.id,
    })
  }
}
