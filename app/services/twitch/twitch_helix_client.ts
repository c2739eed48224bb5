import twitchConfig, { type TwitchConfig } from '#config/twitch'
import { TwitchTransientError } from '#services/twitch/twitch_errors'
import { twitchRequest, type RateLimitInfo } from '#services/twitch/twitch_http'

export type BroadcasterType = '' | 'affiliate' | 'partner'

export interface TwitchUser {
  id: string
  login: string
  displayName: string
  broadcasterType: BroadcasterType
  profileImageUrl: string
  email: string | null
}

export type TwitchPollStatus =
  'ACTIVE' | 'COMPLETED' | 'TERMINATED' | 'ARCHIVED' | 'MODERATED' | 'INVALID'

export interface TwitchPoll {
  id: string
  broadcasterId: string
  title: string
  status: TwitchPollStatus
  duration: number
  startedAt: string
  endedAt: string | null
  choices: { id: string; title: string; votes: number; channelPointsVotes: number }[]
}

interface CreatePollInput {
  broadcasterId: string
  title: string
  choices: string[]
  durationSeconds: number
  channelPointsPerVote?: number | null
}

/**
 * What a Helix call returns along with its data: the rate-limit bucket, so
 * callers running many calls can slow down before Twitch says 429.
 */
interface HelixResult<T> {
  data: T
  rateLimit: RateLimitInfo | null
}

interface RawUser {
  id: string
  login: string
  display_name: string
  broadcaster_type: string
  profile_image_url: string
  email?: string
}

interface RawPoll {
  id: string
  broadcaster_id: string
  title: string
  status: TwitchPollStatus
  duration: number
  started_at: string
  ended_at: string | null
  choices: { id: string; title: string; votes: number; channel_points_votes: number }[]
}

/**
 * Twitch's Helix API (`{TWITCH_HELIX_URL}/users|channels|polls`) with a user access
 * token. A 401 surfaces as TwitchUnauthorizedError: the token services
 * refresh and retry once.
 */
export class TwitchHelixClient {
  constructor(
    private config: Pick<TwitchConfig, 'clientId' | 'helixUrl' | 'timeoutMs'> = twitchConfig
  ) {}

  /**
   * The token's own user.
   */
  async getCurrentUser(accessToken: string): Promise<TwitchUser> {
    const { data } = await this.call<RawUser[]>(accessToken, 'GET', '/users', 'get user')
    const user = data[0]
    if (!user) {
      throw new TwitchTransientError('Twitch answered get user without a user', 200)
    }
    return toUser(user)
  }

  /**
   * Users by login (at most 100 per call, as Twitch allows).
   */
  async getUsersByLogin(accessToken: string, logins: string[]): Promise<TwitchUser[]> {
    if (logins.length === 0) return []
    const query = new URLSearchParams(
      logins.slice(0, 100).map((login): [string, string] => ['login', login])
    )
    const { data } = await this.call<RawUser[]>(accessToken, 'GET', `/users?${query}`, 'get users')
    return data.map(toUser)
  }

  /**
   * The channel's language as its streamer set it on Twitch ("fr", "pt",
   * "other"…), or null when Twitch does not say.
   */
  async getBroadcasterLanguage(accessToken: string, broadcasterId: string): Promise<string | null> {
    const query = new URLSearchParams({ broadcaster_id: broadcasterId })
    const { data } = await this.call<{ broadcaster_language?: unknown }[]>(
      accessToken,
      'GET',
      `/channels?${query}`,
      'get channel'
    )
    const language = data[0]?.broadcaster_language
    return typeof language === 'string' && language !== '' ? language : null
  }

  async createPoll(accessToken: string, input: CreatePollInput): Promise<HelixResult<TwitchPoll>> {
    const { data, rateLimit } = await this.call<RawPoll[]>(
      accessToken,
      'POST',
      '/polls',
      'create poll',
      {
        broadcaster_id: input.broadcasterId,
        title: input.title,
        choices: input.choices.map((title) => ({ title })),
        duration: input.durationSeconds,
        ...(input.channelPointsPerVote
          ? {
              channel_points_voting_enabled: true,
              channel_points_per_vote: input.channelPointsPerVote,
            }
          : {}),
      }
    )
    return { data: toPoll(firstOf(data, 'create poll')), rateLimit }
  }

  /**
   * Several polls of one channel in a single request (Twitch takes up to 20 ids).
   */
  async getPolls(
    accessToken: string,
    broadcasterId: string,
    pollIds: string[]
  ): Promise<HelixResult<TwitchPoll[]>> {
    const query = new URLSearchParams([
      ['broadcaster_id', broadcasterId] as [string, string],
      ...pollIds.slice(0, 20).map((id): [string, string] => ['id', id]),
    ])
    const { data, rateLimit } = await this.call<RawPoll[]>(
      accessToken,
      'GET',
      `/polls?${query}`,
      'get polls'
    )
    return { data: data.map(toPoll), rateLimit }
  }

  async endPoll(
    accessToken: string,
    broadcasterId: string,
    pollId: string,
    status: 'TERMINATED' | 'ARCHIVED' = 'TERMINATED'
  ): Promise<HelixResult<TwitchPoll>> {
    const { data, rateLimit } = await this.call<RawPoll[]>(
      accessToken,
      'PATCH',
      '/polls',
      'end poll',
      {
        broadcaster_id: broadcasterId,
        id: pollId,
        status,
      }
    )
    return { data: toPoll(firstOf(data, 'end poll')), rateLimit }
  }

  private async call<T>(
    accessToken: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    action: string,
    json?: unknown
  ): Promise<HelixResult<T>> {
    const { body, status, rateLimit } = await twitchRequest<{ data?: unknown }>({
      method,
      url: `${this.config.helixUrl}${path}`,
      headers: { 'Authorization': `Bearer ${accessToken}`, 'Client-Id': this.config.clientId },
      json,
      timeoutMs: this.config.timeoutMs,
      action,
    })
    if (!Array.isArray(body?.data)) {
      throw new TwitchTransientError(`Twitch answered ${action} without data`, status)
    }
    return { data: body.data as T, rateLimit }
  }
}

function firstOf<T>(items: T[], action: string): T {
  const item = items[0]
  if (!item) {
    throw new TwitchTransientError(`Twitch answered ${action} with no item`, 200)
  }
  return item
}

function toUser(raw: RawUser): TwitchUser {
  const type = raw.broadcaster_type
  return {
    id: String(raw.id),
    login: raw.login,
    displayName: raw.display_name || raw.login,
    broadcasterType: type === 'affiliate' || type === 'partner' ? type : '',
    profileImageUrl: raw.profile_image_url ?? '',
    email: raw.email ?? null,
  }
}

function toPoll(raw: RawPoll): TwitchPoll {
  return {
    id: raw.id,
    broadcasterId: raw.broadcaster_id,
    title: raw.title,
    status: raw.status,
    duration: raw.duration,
    startedAt: raw.started_at,
    endedAt: raw.ended_at ?? null,
    choices: (raw.choices ?? []).map((choice) => ({
      id: choice.id,
      title: choice.title,
      votes: choice.votes ?? 0,
      channelPointsVotes: choice.channel_points_votes ?? 0,
    })),
  }
}
