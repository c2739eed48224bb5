import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import type Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'
import {
  CHANNEL_STATUS_ORDER,
  ChannelStateService,
  countChannels,
  type ChannelCounts,
  type ChannelState,
} from '#services/campaigns/channel_state'
import {
  CheckAndRefreshService,
  type StreamerHealthStatus,
} from '#services/tokens/check_and_refresh_service'
import type { Message } from '#services/i18n/message'

interface ReadinessRow {
  /** The channel's one state (docs/architecture.md, "A channel's state"). */
  state: ChannelState
  displayName: string
  login: string
  membershipId: number | null
  invitationId: number | null
  streamerId: number | null
  /** When the poll authorization ends, for the channels polls run on. */
  authorizationExpiresAt: DateTime | null
}

export interface Readiness {
  rows: ReadinessRow[]
  counts: ChannelCounts
}

export interface ReadinessCheckResult {
  streamerId: number
  /** What Twitch said of the token. */
  status: StreamerHealthStatus
  /** What the check found, as message keys; empty when it adds nothing to the channel's state. */
  detail: Message[]
  /** Ready for polls: a usable token on a channel that can hold a Twitch poll. */
  ready: boolean
  /** Twitch could not be reached: the status is Chorus's own records, not checked. */
  twitchUnreachable: boolean
}

/**
 * The readiness of a campaign's members as the GM sees it, read from the
 * database; `check()` asks Twitch.
 */
@inject()
export class ReadinessService {
  constructor(
    private healthCheck: CheckAndRefreshService,
    private channelStates: ChannelStateService
  ) {}

  /**
   * Members first (ready ones on top), then invitations, by name.
   */
  async rows(campaign: Campaign): Promise<ReadinessRow[]> {
    const { rows } = await this.readiness(campaign)
    return rows
  }

  async readiness(campaign: Campaign): Promise<Readiness> {
    const memberships = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .preload('streamer')
      .orderBy('id')
    const invitations = await CampaignInvitation.query()
      .where('campaign_id', campaign.id)
      .orderBy('id')

    const rows = [
      ...memberships.map((membership) =>
        membershipRow(membership, this.channelStates.of(membership.streamer, membership))
      ),
      ...invitations.map((invitation) =>
        invitationRow(invitation, this.channelStates.ofInvitation(invitation))
      ),
    ]
    rows.sort(
      (a, b) =>
        CHANNEL_STATUS_ORDER.indexOf(a.state.status) -
          CHANNEL_STATUS_ORDER.indexOf(b.state.status) || a.displayName.localeCompare(b.displayName)
    )
    return { rows, counts: countChannels(rows.map((row) => row.state)) }
  }

  /**
   * "Check now": the health check over every member of the campaign —
   * `/validate`, and a refresh under the token policy where the token is due
   * or refused (docs/token-policy.md).
   */
  async check(campaign: Campaign): Promise<ReadinessCheckResult[]> {
    const results = await this.healthCheck.checkCampaign(campaign.id)
    return results.map((result) => ({
      streamerId: result.streamerId,
      status: result.status,
      // A deactivated streamer is not checked: the row's state already says
      // they need to reconnect, and the page does not say it twice.
      detail: result.streamer.isActive ? result.detail : [],
      // Ready as the channel state says it, on a token Twitch confirmed.
      ready:
        !result.retryable &&
        (result.status === 'ready' || result.status === 'refreshed') &&
        this.channelStates.of(result.streamer, result.membership).ready,
      twitchUnreachable: result.retryable,
    }))
  }
}

function membershipRow(membership: CampaignMembership, state: ChannelState): ReadinessRow {
  const streamer = membership.streamer
  return {
    state,
    displayName: streamer.twitchDisplayName || streamer.twitchLogin,
    login: streamer.twitchLogin,
    membershipId: membership.id,
    invitationId: null,
    streamerId: streamer.id,
    authorizationExpiresAt: state.ready ? state.authorization.expiresAt : null,
  }
}

function invitationRow(invitation: CampaignInvitation, state: ChannelState): ReadinessRow {
  return {
    state,
    displayName: invitation.twitchDisplayName || invitation.twitchLogin,
    login: invitation.twitchLogin,
    membershipId: null,
    invitationId: invitation.id,
    streamerId: null,
    authorizationExpiresAt: null,
  }
}
