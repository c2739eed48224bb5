import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import type Campaign from '#models/campaign'
import type Streamer from '#models/streamer'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'
import { Clock } from '#services/clock'
import {
  HealthCheckService,
  type StreamerHealthStatus,
} from '#services/tokens/health_check_service'

/**
 * Where a member stands before a show, from the GM's point of view.
 */
export type ReadinessStatus =
  /** Active membership, authorization running, token fine. */
  | 'authorized'
  /** Authorized, but the last token renewal failed or the token ran out. */
  | 'token_problem'
  /** Granted once, the 12 hours are over. */
  | 'expired'
  /** Accepted, never granted (or revoked). */
  | 'not_granted'
  /** Deactivated after Twitch refused the token twice: must sign in again. */
  | 'needs_reconnect'
  /** Invited, has not answered yet. */
  | 'invited'
  /** Invited by login, has never signed in to Chorus. */
  | 'awaiting_sign_in'

export const READINESS_LABELS: Record<ReadinessStatus, string> = {
  authorized: 'Authorized',
  token_problem: 'Token problem',
  expired: 'Authorization expired',
  not_granted: 'Not granted',
  needs_reconnect: 'Needs to reconnect',
  invited: 'Invited',
  awaiting_sign_in: 'Not signed in yet',
}

/** The badge colour of each status. */
export const READINESS_TONES: Record<ReadinessStatus, 'ok' | 'warn' | 'bad' | 'neutral'> = {
  authorized: 'ok',
  token_problem: 'bad',
  expired: 'warn',
  not_granted: 'warn',
  needs_reconnect: 'bad',
  invited: 'neutral',
  awaiting_sign_in: 'neutral',
}

export interface ReadinessRow {
  status: ReadinessStatus
  label: string
  tone: (typeof READINESS_TONES)[ReadinessStatus]
  /** One sentence for the GM. */
  detail: string
  displayName: string
  login: string
  membershipId: number | null
  invitationId: number | null
  streamerId: number | null
  /** When the poll authorization ends (authorized and token_problem rows). */
  authorizationExpiresAt: DateTime | null
  /** Polls need an affiliate or partner channel. */
  canRunPolls: boolean
}

export interface ReadinessCheckResult {
  streamerId: number
  status: StreamerHealthStatus
  reason: string
  /** Twitch could not be reached: the status is Chorus's own records, not checked. */
  twitchUnreachable: boolean
}

export const HEALTH_LABELS: Record<StreamerHealthStatus, string> = {
  ready: 'Ready',
  refreshed: 'Ready (token renewed)',
  needs_reconnect: 'Needs to reconnect',
  not_authorized: 'No authorization',
}

/**
 * The readiness of a campaign's members (SPEC §1: the GM "sees readiness of
 * every member"), read from the database; `check()` asks Twitch.
 */
@inject()
export class ReadinessService {
  constructor(
    private clock: Clock,
    private healthCheck: HealthCheckService
  ) {}

  /**
   * Members first (ready ones on top), then invitations, by name.
   */
  async rows(campaign: Campaign): Promise<ReadinessRow[]> {
    const now = this.clock.now()
    const memberships = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .preload('streamer')
      .orderBy('id')
    const invitations = await CampaignInvitation.query()
      .where('campaign_id', campaign.id)
      .orderBy('id')

    const order = Object.keys(READINESS_LABELS)
    const rows = [
      ...memberships.map((membership) => membershipRow(membership, now)),
      ...invitations.map(invitationRow),
    ]
    return rows.sort(
      (a, b) =>
        order.indexOf(a.status) - order.indexOf(b.status) ||
        a.displayName.localeCompare(b.displayName)
    )
  }

  /**
   * "Check now": the health check over every member of the campaign —
   * `/validate`, and a refresh under the policy where the token is due or
   * refused (SPEC §5).
   */
  async check(campaign: Campaign): Promise<ReadinessCheckResult[]> {
    const results = await this.healthCheck.checkCampaign(campaign.id)
    return results.map((result) => ({
      streamerId: result.streamerId,
      status: result.status,
      reason: result.reason,
      twitchUnreachable: result.retryable,
    }))
  }
}

/**
 * The state of one membership at `now`.
 */
export function membershipReadiness(
  membership: CampaignMembership,
  streamer: Streamer,
  now: DateTime
): { status: ReadinessStatus; detail: string } {
  if (membership.status === 'pending') {
    return { status: 'invited', detail: 'Has not answered the invitation yet.' }
  }
  if (!streamer.isActive) {
    return {
      status: 'needs_reconnect',
      detail: 'Twitch no longer accepts their connection: they must sign in with Twitch again.',
    }
  }
  if (membership.hasActiveAuthorization(now)) {
    if (streamer.tokenRefreshFailedAt) {
      return {
        status: 'token_problem',
        detail: 'Twitch refused the last token renewal; Chorus retries it within 15 minutes.',
      }
    }
    if (!streamer.accessTokenEncrypted || streamer.isTokenExpired(now)) {
      return {
        status: 'token_problem',
        detail: 'The Twitch token has run out and has not been renewed yet.',
      }
    }
    return { status: 'authorized', detail: 'Polls will run on this channel.' }
  }
  if (membership.pollAuthorizationGrantedAt) {
    return { status: 'expired', detail: 'The 12-hour authorization is over.' }
  }
  return { status: 'not_granted', detail: 'Has not granted the poll authorization.' }
}

function membershipRow(membership: CampaignMembership, now: DateTime): ReadinessRow {
  const streamer = membership.streamer
  const { status, detail } = membershipReadiness(membership, streamer, now)
  const running = status === 'authorized' || status === 'token_problem'
  return {
    status,
    label: READINESS_LABELS[status],
    tone: READINESS_TONES[status],
    detail,
    displayName: streamer.twitchDisplayName || streamer.twitchLogin,
    login: streamer.twitchLogin,
    membershipId: membership.id,
    invitationId: null,
    streamerId: streamer.id,
    authorizationExpiresAt: running ? membership.pollAuthorizationExpiresAt : null,
    canRunPolls: streamer.broadcasterType !== '',
  }
}

function invitationRow(invitation: CampaignInvitation): ReadinessRow {
  return {
    status: 'awaiting_sign_in',
    label: READINESS_LABELS.awaiting_sign_in,
    tone: READINESS_TONES.awaiting_sign_in,
    detail: 'Invited; the invitation waits for their first sign-in to Chorus.',
    displayName: invitation.twitchDisplayName || invitation.twitchLogin,
    login: invitation.twitchLogin,
    membershipId: null,
    invitationId: invitation.id,
    streamerId: null,
    authorizationExpiresAt: null,
    canRunPolls: invitation.broadcasterType !== '',
  }
}
