import { Exception } from '@adonisjs/core/exceptions'
import type User from '#models/user'
import Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'

/**
 * Who may do what with campaigns (docs/architecture.md, "Who may do what"):
 *
 * - the owner (the GM) views, edits and deletes the campaign, invites and
 *   removes members, and sees its readiness;
 * - a streamer invited to it (pending or active membership) views it and
 *   acts on their own membership only (accept, decline, grant, revoke, leave);
 * - anybody else gets a 404, as if the campaign did not exist. A member who
 *   tries a GM-only action gets a 403: they already know the campaign exists.
 *
 * Every lookup here is scoped to the signed-in user, so a controller never
 * loads someone else's row and checks it afterwards.
 */
export class CampaignPolicy {
  static isOwner(user: User, campaign: Campaign) {
    return campaign.ownerId === user.id
  }

  static canManage(user: User, campaign: Campaign) {
    return CampaignPolicy.isOwner(user, campaign)
  }

  /** Accept or decline: only an invitation still waiting for an answer. */
  static canAnswerInvitation(membership: CampaignMembership) {
    return membership.status === 'pending'
  }

  /** Grant, revoke, leave: only once the invitation was accepted. */
  static canActAsMember(membership: CampaignMembership) {
    return membership.status === 'active'
  }
}

/**
 * The campaign as the signed-in user may see it: as its GM, as an invited
 * streamer, or both (a GM may stream their own campaign). Anything else is a 404.
 */
export async function findVisibleCampaign(user: User, campaignId: number) {
  const campaign = await Campaign.query()
    .where('id', campaignId)
    .where((visible) => {
      visible.where('owner_id', user.id).orWhereExists((own) => {
        own
          .from('campaign_memberships')
          .join('streamers', 'streamers.id', 'campaign_memberships.streamer_id')
          .whereColumn('campaign_memberships.campaign_id', 'campaigns.id')
          .where('streamers.user_id', user.id)
      })
    })
    .preload('owner')
    .first()
  if (!campaign) throw notFound()

  const membership = await membershipsOf(user)
    .where('campaign_memberships.campaign_id', campaign.id)
    .first()
  return { campaign, membership, isOwner: CampaignPolicy.isOwner(user, campaign) }
}

/**
 * A campaign only its GM may manage: a member gets a 403, anyone else a 404.
 */
export async function findManagedCampaign(user: User, campaignId: number) {
  const { campaign } = await findVisibleCampaign(user, campaignId)
  if (!CampaignPolicy.canManage(user, campaign)) {
    throw new Exception('Only the GM of this campaign can do that', {
      status: 403,
      code: 'E_AUTHORIZATION_FAILURE',
    })
  }
  return campaign
}

/**
 * One of the signed-in user's own memberships; someone else's is a 404.
 */
export async function findOwnMembership(user: User, membershipId: number) {
  const membership = await membershipsOf(user)
    .where('campaign_memberships.id', membershipId)
    .preload('campaign')
    .preload('streamer')
    .first()
  if (!membership) throw notFound()
  return membership
}

/**
 * The memberships whose streamer is the user's own Twitch account.
 */
export function membershipsOf(user: User) {
  return CampaignMembership.query()
    .select('campaign_memberships.*')
    .join('streamers', 'streamers.id', 'campaign_memberships.streamer_id')
    .where('streamers.user_id', user.id)
}

function notFound() {
  return new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
}
