import { inject } from '@adonisjs/core'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import Streamer from '#models/streamer'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'
import { Clock } from '#services/clock'
import { TwitchHelixClient, type TwitchUser } from '#services/twitch/twitch_helix_client'
import { TwitchError, TwitchPermanentError } from '#services/twitch/twitch_errors'
import {
  StreamerTokenRunner,
  StreamerTokenUnavailableError,
} from '#services/tokens/streamer_token_runner'
import { CampaignNotifier } from '#services/campaigns/campaign_notifier'
import { CampaignActionRefused } from '#services/domain_errors'

type InvitationResult =
  /** The streamer uses Chorus: a pending membership waits on their dashboard. */
  | { kind: 'invited'; name: string }
  /** Never signed in: the invitation waits for their first sign-in. */
  | { kind: 'waiting_for_sign_in'; name: string }

/**
 * Inviting streamers by Twitch login, and cancelling an invitation.
 */
@inject()
export class InvitationService {
  constructor(
    private clock: Clock,
    private helix: TwitchHelixClient,
    private tokenRunner: StreamerTokenRunner,
    private notifier: CampaignNotifier
  ) {}

  /**
   * Looks the login up on Twitch (`/users?login=`, with the GM's own token,
   * renewed once on a 401), then invites that Twitch account: as a pending
   * membership when it already uses Chorus, else as an invitation it gets on
   * its first sign-in.
   */
  async invite(campaign: Campaign, gm: User, login: string): Promise<InvitationResult> {
    const twitchUser = await this.#lookUp(gm, login)
    const name = twitchUser.displayName || twitchUser.login
    const now = this.clock.now()

    const streamer = await Streamer.findBy('twitch_user_id', twitchUser.id)
    if (streamer) {
      const existing = await CampaignMembership.query()
        .where('campaign_id', campaign.id)
        .where('streamer_id', streamer.id)
        .first()
      if (existing) {
        throw new CampaignActionRefused(
          existing.status === 'active'
            ? 'campaigns.refused.already_member'
            : 'campaigns.refused.already_invited_pending',
          { name }
        )
      }
      const membership = await createOnce(
        () =>
          CampaignMembership.create({
            campaignId: campaign.id,
            streamerId: streamer.id,
            status: 'pending',
            invitedAt: now,
          }),
        { key: 'campaigns.refused.already_invited', name }
      )
      await this.notifier.notify('invited', campaign, streamer, {
        membershipId: membership.id,
        gmName: gm.displayName,
      })
      return { kind: 'invited', name }
    }

    await createOnce(
      () =>
        CampaignInvitation.create({
          campaignId: campaign.id,
          twitchUserId: twitchUser.id,
          twitchLogin: twitchUser.login,
          twitchDisplayName: twitchUser.displayName,
          broadcasterType: twitchUser.broadcasterType,
          invitedAt: now,
        }),
      { key: 'campaigns.refused.already_invited_waiting', name }
    )
    return { kind: 'waiting_for_sign_in', name }
  }

  /**
   * Withdraws an invitation that still waits for a first sign-in.
   */
  async cancelInvitation(campaign: Campaign, invitationId: number) {
    const invitation = await CampaignInvitation.query()
      .where('campaign_id', campaign.id)
      .where('id', invitationId)
      .firstOrFail()
    await invitation.delete()
    return invitation
  }

  async #lookUp(gm: User, login: string): Promise<TwitchUser> {
    const gmStreamer = await Streamer.findBy('user_id', gm.id)
    if (!gmStreamer) {
      throw new CampaignActionRefused('campaigns.refused.connect_twitch', {}, { reconnect: true })
    }

    if (login.toLowerCase() === gmStreamer.twitchLogin.toLowerCase()) {
      throw new CampaignActionRefused('campaigns.refused.invited_self')
    }

    let users: TwitchUser[]
    try {
      users = await this.tokenRunner.run(gmStreamer, (token) =>
        this.helix.getUsersByLogin(token, [login])
      )
    } catch (error) {
      if (error instanceof StreamerTokenUnavailableError && error.needsReconnect) {
        throw new CampaignActionRefused(
          'campaigns.refused.lookup_reconnect',
          {},
          { reconnect: true }
        )
      }
      if (error instanceof TwitchPermanentError) {
        // Twitch rejects some malformed logins with a 400 instead of an empty list.
        users = []
      } else if (error instanceof TwitchError || error instanceof StreamerTokenUnavailableError) {
        throw new CampaignActionRefused('campaigns.refused.lookup_unreachable')
      } else {
        throw error
      }
    }

    const found = users.find((user) => user.login.toLowerCase() === login.toLowerCase())
    if (!found) {
      throw new CampaignActionRefused('campaigns.refused.no_such_login', { login })
    }
    // The GM runs the campaign; polls run on the players' channels, never the GM's own.
    if (found.id === gmStreamer.twitchUserId) {
      throw new CampaignActionRefused('campaigns.refused.invited_self')
    }
    return found
  }
}

/**
 * Creates a row guarded by a unique index: a double click (or two GMs'
 * tabs) inviting the same streamer gets a friendly message, not a 500.
 */
async function createOnce<T>(create: () => Promise<T>, duplicate: { key: string; name: string }) {
  try {
    return await create()
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new CampaignActionRefused(duplicate.key, { name: duplicate.name })
    }
    throw error
  }
}
