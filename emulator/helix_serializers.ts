import type { EmulatorUser, PollRecord } from './types.js'

/** A user as Helix Get Users returns it. */
export interface HelixUser {
  id: string
  login: string
  display_name: string
  type: ''
  broadcaster_type: EmulatorUser['broadcasterType']
  description: string
  profile_image_url: string
  offline_image_url: string
  view_count: number
  email?: string
  created_at: string
}

export interface HelixPollChoice {
  id: string
  title: string
  votes: number
  channel_points_votes: number
  bits_votes: number
}

/** A poll as Helix Create / Get / End Poll return it. */
export interface HelixPoll {
  id: string
  broadcaster_id: string
  broadcaster_name: string
  broadcaster_login: string
  title: string
  choices: HelixPollChoice[]
  bits_voting_enabled: boolean
  bits_per_vote: number
  channel_points_voting_enabled: boolean
  channel_points_per_vote: number
  status: PollRecord['status']
  duration: number
  started_at: string
  ended_at: string | null
}

/** `email` only appears for the token's own user with user:read:email, as on Twitch. */
export function toHelixUser(user: EmulatorUser, includeEmail: boolean): HelixUser {
  return {
    id: user.id,
    login: user.login,
    display_name: user.displayName,
    type: '',
    broadcaster_type: user.broadcasterType,
    description: user.description,
    profile_image_url: user.profileImageUrl,
    offline_image_url: '',
    view_count: 0,
    ...(includeEmail ? { email: user.email } : {}),
    created_at: user.createdAt,
  }
}

/** `broadcaster` may be gone (a reset between creation and read); the ids still identify it. */
export function toHelixPoll(poll: PollRecord, broadcaster: EmulatorUser | undefined): HelixPoll {
  return {
    id: poll.id,
    broadcaster_id: poll.broadcasterId,
    broadcaster_name: broadcaster?.displayName ?? '',
    broadcaster_login: broadcaster?.login ?? '',
    title: poll.title,
    choices: poll.choices.map((choice) => ({
      id: choice.id,
      title: choice.title,
      votes: choice.votes,
      channel_points_votes: choice.channelPointsVotes,
      bits_votes: 0,
    })),
    bits_voting_enabled: false,
    bits_per_vote: 0,
    channel_points_voting_enabled: poll.channelPointsVotingEnabled,
    channel_points_per_vote: poll.channelPointsPerVote,
    status: poll.status,
    duration: poll.duration,
    started_at: new Date(poll.startedAt).toISOString(),
    ended_at: poll.endedAt === null ? null : new Date(poll.endedAt).toISOString(),
  }
}
