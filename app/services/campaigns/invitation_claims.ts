import type { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Streamer from '#models/streamer'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'

/**
 * Turns the invitations waiting for this Twitch account into pending
 * memberships, inside the sign-in's transaction. Runs on every sign-in: after
 * the first one there is nothing left to claim.
 */
export async function claimCampaignInvitations(
  streamer: Streamer,
  trx: TransactionClientContract,
  now: DateTime
) {
  const invitations = await CampaignInvitation.query({ client: trx })
    .where('twitch_user_id', streamer.twitchUserId)
    .forUpdate()
  for (const invitation of invitations) {
    await CampaignMembership.firstOrCreate(
      { campaignId: invitation.campaignId, streamerId: streamer.id },
      { status: 'pending', invitedAt: invitation.invitedAt ?? now },
      { client: trx }
    )
    await invitation.useTransaction(trx).delete()
  }
  return invitations.length
}
