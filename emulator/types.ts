/**
 * The records the emulator keeps in memory. They are internal shapes
 * (camelCase); the Twitch wire shapes live in helix_serializers.ts.
 */

export type BroadcasterType = '' | 'affiliate' | 'partner'

export interface EmulatorClient {
  clientId: string
  clientSecret: string
}

export interface EmulatorUser {
  /** Numeric string, as Twitch user ids are. */
  id: string
  login: string
  displayName: string
  broadcasterType: BroadcasterType
  /** The channel's language as Helix Get Channel Information gives it: "en", "fr", … or "other". */
  broadcasterLanguage: string
  email: string
  description: string
  profileImageUrl: string
  /** ISO 8601 */
  createdAt: string
}

export interface NewUserInput {
  login: string
  displayName?: string
  broadcasterType?: BroadcasterType
  broadcasterLanguage?: string
  email?: string
}

export interface AccessTokenRecord {
  token: string
  clientId: string
  /** null for app access tokens (client_credentials grant). */
  userId: string | null
  scopes: string[]
  /** epoch ms by the emulator clock */
  expiresAt: number
  /** Revoked through /revoke or invalidated through fault injection. */
  revoked: boolean
}

export interface RefreshTokenRecord {
  token: string
  clientId: string
  userId: string
  scopes: string[]
  /** Used once (rotation), revoked through /revoke, or killed through fault injection. */
  dead: boolean
}

export interface AuthorizationCodeRecord {
  code: string
  clientId: string
  redirectUri: string
  userId: string
  scopes: string[]
  expiresAt: number
  used: boolean
}

export interface IssuedTokens {
  accessToken: string
  refreshToken: string
  /** seconds */
  expiresIn: number
  scopes: string[]
}

export type PollStatus =
  'ACTIVE' | 'COMPLETED' | 'TERMINATED' | 'ARCHIVED' | 'MODERATED' | 'INVALID'

export interface PollChoiceRecord {
  id: string
  title: string
  votes: number
  channelPointsVotes: number
}

export interface PollRecord {
  id: string
  /** Creation order, so "newest first" is stable within one millisecond. */
  sequence: number
  broadcasterId: string
  title: string
  choices: PollChoiceRecord[]
  channelPointsVotingEnabled: boolean
  channelPointsPerVote: number
  status: PollStatus
  /** seconds */
  duration: number
  /** epoch ms */
  startedAt: number
  /** epoch ms, null while ACTIVE */
  endedAt: number | null
  /** Random audience taste and turnout used by auto votes. */
  audience: PollAudience
}

export interface PollAudience {
  /** Relative popularity of each choice. */
  weights: number[]
  votesPerSecond: number
  /** Up to when (epoch ms) automatic votes were already added. */
  countedUntil: number
  /** Fractional vote carried to the next settlement. */
  carry: number
}

/** A status code to answer with, or 'timeout' to hold the request and never answer. */
export type FaultStatus = number | 'timeout'

export interface FaultInput {
  status: FaultStatus
  /** How many requests the fault affects; absent = until cleared. */
  times?: number
  /** For 429: the Retry-After / Ratelimit-Reset distance, default 1 s. */
  retryAfterSeconds?: number
}
