import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type Streamer from '#models/streamer'
import type CampaignMembership from '#models/campaign_membership'
import type { BroadcasterType } from '#models/streamer'
import type { PollChannelReason, VotingMethod } from '#models/poll_channel'
import type { VotingMode } from '#models/poll_run'
import type CampaignInvitation from '#models/campaign_invitation'
import { Clock } from '#services/clock'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { hasChatVotingScopes } from '#services/chat_votes/chat_scopes'

/**
 * One model of where a streamer's channel stands in a campaign: every page
 * (the streamer's campaign page and dashboard, the GM's campaign page,
 * dashboard and readiness, the grant confirmation, the launch's left-out
 * reasons) reads it from here, so no two pages can disagree.
 * docs/architecture.md ("A channel's state") explains the rules. Its words
 * are message keys (resources/lang/<locale>/campaigns.json): each page
 * writes them in its reader's language, the JSON API in English
 * (docs/languages.md).
 */

/** The scope a Twitch poll needs on the broadcaster's token. */
export const POLL_SCOPE = 'channel:manage:polls'

/** Broadcaster types whose channels can hold a Twitch poll. */
export const POLL_BROADCASTER_TYPES: BroadcasterType[] = ['affiliate', 'partner']

type Tone = 'ok' | 'warn' | 'bad' | 'neutral'

// ---------------------------------------------------------------------------
// The streamer's Twitch connection

type ConnectionStatus = 'connected' | 'renewal_failed' | 'token_expired' | 'disconnected'

export interface ConnectionState {
  status: ConnectionStatus
  tone: Tone
  /** One sentence for the streamer about their own connection (a message key). */
  detail: string
  /** Signing in with Twitch again is the way out. */
  reconnect: boolean
  tokenExpiresAt: DateTime | null
  lastRefreshAt: DateTime | null
}

type ConnectionFacts = Pick<
  Streamer,
  | 'isActive'
  | 'tokenRefreshFailedAt'
  | 'accessTokenEncrypted'
  | 'tokenExpiresAt'
  | 'lastTokenRefreshAt'
>

const CONNECTION_TEXT: Record<
  ConnectionStatus,
  Omit<ConnectionState, 'status' | 'tokenExpiresAt' | 'lastRefreshAt'>
> = {
  disconnected: {
    tone: 'bad',
    detail: 'campaigns.connection.detail.disconnected',
    reconnect: true,
  },
  renewal_failed: {
    tone: 'warn',
    detail: 'campaigns.connection.detail.renewal_failed',
    reconnect: true,
  },
  token_expired: {
    tone: 'warn',
    detail: 'campaigns.connection.detail.token_expired',
    reconnect: false,
  },
  connected: {
    tone: 'ok',
    detail: 'campaigns.connection.detail.connected',
    reconnect: false,
  },
}

export function connectionState(streamer: ConnectionFacts, now: DateTime): ConnectionState {
  const status: ConnectionStatus = !streamer.isActive
    ? 'disconnected'
    : streamer.tokenRefreshFailedAt
      ? 'renewal_failed'
      : !streamer.accessTokenEncrypted || !streamer.tokenExpiresAt || streamer.tokenExpiresAt <= now
        ? 'token_expired'
        : 'connected'
  return {
    status,
    ...CONNECTION_TEXT[status],
    tokenExpiresAt: streamer.tokenExpiresAt,
    lastRefreshAt: streamer.lastTokenRefreshAt,
  }
}

// ---------------------------------------------------------------------------
// The 12-hour poll authorization of one membership

type AuthorizationStatus = 'active' | 'expired' | 'none'

interface AuthorizationState {
  status: AuthorizationStatus
  /** When a running authorization ends (null unless active). */
  expiresAt: DateTime | null
}

type AuthorizationFacts = Pick<
  CampaignMembership,
  'status' | 'pollAuthorizationGrantedAt' | 'pollAuthorizationExpiresAt'
>

/**
 * The rule of an active authorization: accepted, and the 12 hours still run
 * at `now`. Its SQL twin is the `authorizationActive` scope of
 * CampaignMembership; a test holds the two to the same answers.
 */
export function isAuthorizationActive(
  membership: Pick<CampaignMembership, 'status' | 'pollAuthorizationExpiresAt'>,
  now: DateTime
): boolean {
  const expiresAt = membership.pollAuthorizationExpiresAt
  return membership.status === 'active' && expiresAt !== null && expiresAt > now
}

function authorizationState(membership: AuthorizationFacts, now: DateTime): AuthorizationState {
  if (isAuthorizationActive(membership, now)) {
    return { status: 'active', expiresAt: membership.pollAuthorizationExpiresAt }
  }
  if (membership.status === 'active' && membership.pollAuthorizationGrantedAt) {
    return { status: 'expired', expiresAt: null }
  }
  return { status: 'none', expiresAt: null }
}

// ---------------------------------------------------------------------------
// How the channel can vote

type VotingBlock =
  /** No Twitch poll, and chat voting is not possible (Twitch events are off). */
  | 'not_affiliate'
  /** An affiliate whose token lacks the poll permission (and cannot vote in chat). */
  | 'missing_scope'
  /** No Twitch poll; chat voting needs the chat permissions: a reconnect gives them. */
  | 'missing_chat_scopes'

interface VotingState {
  /**
   * `twitch`: a Twitch poll on the channel; `chat`: numbers typed in its chat
   * (docs/chat-voting.md). Null: it cannot vote, and `blocked` says why.
   */
  method: VotingMethod | null
  blocked: VotingBlock | null
}

/**
 * What decides chat voting besides the channel: whether Chorus receives
 * Twitch events (chat votes arrive as `channel.chat.message` events), and
 * the run's voting mode (`chat`: every channel that can votes in chat).
 * Left out (`eventsub` undefined), the page does not know and says only
 * whether Twitch polls are possible.
 */
interface VotingOptions {
  eventsub?: boolean
  mode?: VotingMode
}

function votingOf(method: VotingMethod | null, blocked: VotingBlock | null): VotingState {
  return { method, blocked }
}

/**
 * `scopes` null: not known (an invitation, before its first sign-in).
 * A channel votes in chat when it cannot run a Twitch poll (or the mode
 * asks for chat), has granted the chat permissions and Twitch events are
 * on; a channel that could run a Twitch poll falls back to one.
 */
export function votingState(
  channel: { broadcasterType: BroadcasterType; scopes: string[] | null },
  options: VotingOptions = {}
): VotingState {
  const affiliate = POLL_BROADCASTER_TYPES.includes(channel.broadcasterType)
  const pollScope = channel.scopes === null || channel.scopes.includes(POLL_SCOPE)
  const canPoll = affiliate && pollScope
  const chatScopes = channel.scopes !== null && hasChatVotingScopes(channel.scopes)
  const wantsChat = !canPoll || options.mode === 'chat'
  if (wantsChat && options.eventsub && chatScopes) return votingOf('chat', null)
  if (canPoll) return votingOf('twitch', null)
  if (options.eventsub && channel.scopes !== null) return votingOf(null, 'missing_chat_scopes')
  return votingOf(null, affiliate ? 'missing_scope' : 'not_affiliate')
}

// ---------------------------------------------------------------------------
// The channel in a campaign: one status, one reason

type ChannelStatus =
  /** Polls launched now run on this channel. */
  | 'ready'
  /** Ready, but the token needs renewing; Chorus renews it at launch. */
  | 'token_problem'
  /** Not an affiliate or partner channel: no Twitch poll can run on it. */
  | 'no_polls'
  /** Twitch no longer accepts the connection, or a needed permission is missing. */
  | 'needs_reconnect'
  /** Granted once, the 12 hours are over. */
  | 'expired'
  /** Accepted, never granted (or revoked). */
  | 'not_granted'
  /** Invited, has not answered yet. */
  | 'invited'
  /** Invited by login, has never signed in to Chorus. */
  | 'awaiting_sign_in'

/** The order rows are listed in: ready ones on top. */
export const CHANNEL_STATUS_ORDER: ChannelStatus[] = [
  'ready',
  'token_problem',
  'needs_reconnect',
  'expired',
  'not_granted',
  'no_polls',
  'invited',
  'awaiting_sign_in',
]

const CHANNEL_TONES: Record<ChannelStatus, Tone> = {
  ready: 'ok',
  token_problem: 'warn',
  no_polls: 'warn',
  needs_reconnect: 'bad',
  expired: 'warn',
  not_granted: 'warn',
  invited: 'neutral',
  awaiting_sign_in: 'neutral',
}

const NOT_AFFILIATE = 'campaigns.reason.not_affiliate'
const NOT_AFFILIATE_CHAT = 'campaigns.reason.not_affiliate_chat'
const NOT_AFFILIATE_NO_EVENTS = 'campaigns.reason.not_affiliate_no_events'

export interface ChannelState {
  status: ChannelStatus
  tone: Tone
  /**
   * The one reason, for the GM: the message keys of its sentences, said one
   * after the other.
   */
  reason: string[]
  /** The same reason, told to the streamer about their own channel (a message key). */
  ownReason: string | null
  /** A poll launched now runs on this channel. */
  ready: boolean
  /** How the channel can vote, whatever its authorization. */
  voting: VotingState
  authorization: AuthorizationState
  /** Null for an invitation that waits for a first sign-in. */
  connection: ConnectionState | null
}

type StreamerFacts = ConnectionFacts & Pick<Streamer, 'broadcasterType' | 'scopes'>

/**
 * The state of a member's channel at `now`, from their streamer and membership.
 */
export function channelState(
  streamer: StreamerFacts,
  membership: AuthorizationFacts,
  now: DateTime,
  options: VotingOptions = {}
): ChannelState {
  return stateOf(
    streamer,
    membership.status === 'pending',
    authorizationState(membership, now),
    now,
    options
  )
}

/**
 * The state of a member's channel from its authorization: `pending` for an
 * invitation not answered yet.
 */
function stateOf(
  streamer: StreamerFacts,
  pending: boolean,
  authorization: AuthorizationState,
  now: DateTime,
  options: VotingOptions = {}
): ChannelState {
  const connection = connectionState(streamer, now)
  const voting = votingState(streamer, options)
  const state = (status: ChannelStatus, reason: string[], ownReason: string): ChannelState => ({
    status,
    tone: CHANNEL_TONES[status],
    reason,
    ownReason,
    ready: status === 'ready' || status === 'token_problem',
    voting,
    authorization,
    connection,
  })

  if (pending) {
    return state(
      'invited',
      withVoting('campaigns.reason.invited', voting, options),
      'campaigns.own_reason.invited'
    )
  }
  if (connection.status === 'disconnected') {
    return state(
      'needs_reconnect',
      ['campaigns.reason.disconnected'],
      authorization.status === 'active'
        ? 'campaigns.own_reason.disconnected_running'
        : connection.detail
    )
  }
  if (voting.blocked === 'not_affiliate') {
    // Said once: a page that knows Twitch events are off says why chat voting cannot help.
    return options.eventsub === false
      ? state('no_polls', [NOT_AFFILIATE_NO_EVENTS], 'campaigns.own_reason.not_affiliate_no_events')
      : state('no_polls', [NOT_AFFILIATE], 'campaigns.own_reason.not_affiliate')
  }
  if (voting.blocked === 'missing_chat_scopes') {
    return state(
      'needs_reconnect',
      ['campaigns.reason.missing_chat_scopes'],
      'campaigns.own_reason.missing_chat_scopes'
    )
  }
  if (voting.blocked === 'missing_scope') {
    return state(
      'needs_reconnect',
      ['campaigns.reason.missing_scope'],
      'campaigns.own_reason.missing_scope'
    )
  }
  if (authorization.status === 'expired') {
    return state('expired', ['campaigns.reason.expired'], 'campaigns.own_reason.expired')
  }
  if (authorization.status === 'none') {
    return state(
      'not_granted',
      ['campaigns.reason.not_granted'],
      'campaigns.own_reason.not_granted'
    )
  }
  if (connection.status === 'renewal_failed') {
    return state('token_problem', ['campaigns.reason.renewal_failed'], connection.detail)
  }
  if (connection.status === 'token_expired') {
    return state('token_problem', ['campaigns.reason.token_expired'], connection.detail)
  }
  if (voting.method === 'chat') {
    return state('ready', ['campaigns.reason.ready_chat'], 'campaigns.own_reason.ready_chat')
  }
  return state('ready', ['campaigns.reason.ready'], 'campaigns.own_reason.ready')
}

/**
 * Why a launch leaves a channel out, by its state; null when the poll goes
 * to it. The left-out label says the reason: the state's sentence is not
 * repeated after it.
 */
export function leftOutReason(state: ChannelState): PollChannelReason | null {
  switch (state.status) {
    case 'ready':
    case 'token_problem':
      return null
    case 'needs_reconnect':
      return 'needs_reconnect'
    case 'no_polls':
      return 'not_affiliate'
    default:
      return 'not_authorized'
  }
}

/**
 * An invitation to a login that has never signed in to Chorus.
 */
export function invitationState(
  invitation: { broadcasterType: BroadcasterType },
  options: VotingOptions = {}
): ChannelState {
  const voting = votingState({ broadcasterType: invitation.broadcasterType, scopes: null })
  return {
    status: 'awaiting_sign_in',
    tone: CHANNEL_TONES.awaiting_sign_in,
    reason: withVoting('campaigns.reason.awaiting_sign_in', voting, options),
    ownReason: null,
    ready: false,
    voting,
    authorization: { status: 'none', expiresAt: null },
    connection: null,
  }
}

/**
 * Someone who has not joined yet: their channel's voting is worth knowing
 * now. Signing in gives Chorus the chat permissions, so with Twitch events
 * on a channel without Twitch polls will vote in chat.
 */
function withVoting(sentence: string, voting: VotingState, options: VotingOptions): string[] {
  if (voting.blocked !== 'not_affiliate') return [sentence]
  if (options.eventsub === true) return [sentence, NOT_AFFILIATE_CHAT]
  return [sentence, options.eventsub === false ? NOT_AFFILIATE_NO_EVENTS : NOT_AFFILIATE]
}

/**
 * Counts of a campaign's channels as the GM's dashboard and readiness say
 * them: `ready` of `members` (accepted) can run polls, `invited` still to
 * answer or sign in.
 */
export interface ChannelCounts {
  members: number
  ready: number
  invited: number
}

export function countChannels(states: ChannelState[]): ChannelCounts {
  return {
    members: states.filter((s) => s.status !== 'invited' && s.status !== 'awaiting_sign_in').length,
    ready: states.filter((s) => s.ready).length,
    invited: states.filter((s) => s.status === 'invited' || s.status === 'awaiting_sign_in').length,
  }
}

/**
 * The channel state as pages and services ask for it: at the Clock's time,
 * with Twitch events on or off as EventSubSettings says. The functions above
 * are the rule; this is the one place that feeds them the time and the
 * settings, and `whereReady` is the same rule in SQL, for counts.
 */
@inject()
export class ChannelStateService {
  constructor(
    private clock: Clock,
    private eventsub: EventSubSettings
  ) {}

  /** A member's channel now; `mode`: the voting mode of a run being launched. */
  of(streamer: StreamerFacts, membership: AuthorizationFacts, mode?: VotingMode): ChannelState {
    return channelState(streamer, membership, this.clock.now(), this.#options(mode))
  }

  /** An invitation to a login that has never signed in. */
  ofInvitation(invitation: Pick<CampaignInvitation, 'broadcasterType'>): ChannelState {
    return invitationState(invitation, this.#options())
  }

  /** The streamer's own Twitch connection (their dashboard). */
  connection(streamer: ConnectionFacts): ConnectionState {
    return connectionState(streamer, this.clock.now())
  }

  /** How the channel can vote, whatever its authorizations. */
  voting(channel: Pick<Streamer, 'broadcasterType' | 'scopes'>): VotingState {
    return votingState(channel, this.#options())
  }

  isAuthorizationActive(membership: AuthorizationFacts): boolean {
    return isAuthorizationActive(membership, this.clock.now())
  }

  /** Narrows a query of memberships to those whose state is ready now. */
  whereReady<Query extends ModelQueryBuilderContract<typeof CampaignMembership, any>>(
    memberships: Query
  ): Query {
    return memberships.withScopes((scopes) =>
      scopes.readyForPolls(this.clock.now(), this.eventsub.enabled)
    )
  }

  #options(mode?: VotingMode): VotingOptions {
    return { eventsub: this.eventsub.enabled, mode }
  }
}
