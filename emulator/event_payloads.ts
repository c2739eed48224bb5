import type { ChatMessageRecord } from './chat_types.js'
import type { EmulatorUser, PollRecord } from './types.js'

/**
 * The `event` objects of EventSub notifications, in Twitch's wire shape.
 * Users may have vanished (a reset between two steps); ids still identify them.
 */

function broadcasterFields(poll: PollRecord, broadcaster: EmulatorUser | undefined) {
  return {
    broadcaster_user_id: poll.broadcasterId,
    broadcaster_user_login: broadcaster?.login ?? '',
    broadcaster_user_name: broadcaster?.displayName ?? '',
  }
}

function countedChoices(poll: PollRecord) {
  return poll.choices.map((choice) => ({
    id: choice.id,
    title: choice.title,
    votes: choice.votes,
    channel_points_votes: choice.channelPointsVotes,
    bits_votes: 0,
  }))
}

function votingSettings(poll: PollRecord) {
  return {
    // Twitch no longer supports Bits voting: always off.
    bits_voting: { is_enabled: false, amount_per_vote: 0 },
    channel_points_voting: {
      is_enabled: poll.channelPointsVotingEnabled,
      amount_per_vote: poll.channelPointsPerVote,
    },
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** `channel.poll.begin`: the choices carry only their id and title. */
export function pollBeginEvent(poll: PollRecord, broadcaster: EmulatorUser | undefined) {
  return {
    id: poll.id,
    ...broadcasterFields(poll, broadcaster),
    title: poll.title,
    choices: poll.choices.map((choice) => ({ id: choice.id, title: choice.title })),
    ...votingSettings(poll),
    started_at: iso(poll.startedAt),
    ends_at: iso(poll.startedAt + poll.duration * 1000),
  }
}

/** `channel.poll.progress`: the counts so far. */
export function pollProgressEvent(poll: PollRecord, broadcaster: EmulatorUser | undefined) {
  return {
    id: poll.id,
    ...broadcasterFields(poll, broadcaster),
    title: poll.title,
    choices: countedChoices(poll),
    ...votingSettings(poll),
    started_at: iso(poll.startedAt),
    ends_at: iso(poll.startedAt + poll.duration * 1000),
  }
}

/** `channel.poll.end`: lowercase status and `ended_at` instead of `ends_at`. */
export function pollEndEvent(poll: PollRecord, broadcaster: EmulatorUser | undefined) {
  return {
    id: poll.id,
    ...broadcasterFields(poll, broadcaster),
    title: poll.title,
    choices: countedChoices(poll),
    ...votingSettings(poll),
    status: poll.status.toLowerCase(),
    started_at: iso(poll.startedAt),
    ended_at: iso(poll.endedAt ?? poll.startedAt + poll.duration * 1000),
  }
}

/**
 * `channel.chat.message`: plain text only (one text fragment, no emotes or
 * mentions). The source_* fields are null unless the message came from
 * another channel of a Shared Chat session.
 */
export function chatMessageEvent(message: ChatMessageRecord) {
  const shared = message.source !== null
  return {
    broadcaster_user_id: message.broadcaster.id,
    broadcaster_user_login: message.broadcaster.login,
    broadcaster_user_name: message.broadcaster.name,
    chatter_user_id: message.chatter.id,
    chatter_user_login: message.chatter.login,
    chatter_user_name: message.chatter.name,
    message_id: message.messageId,
    message: {
      text: message.text,
      fragments: [
        { type: 'text', text: message.text, cheermote: null, emote: null, mention: null },
      ],
    },
    message_type: 'text',
    badges: [],
    cheer: null,
    color: message.chatter.color,
    reply: null,
    channel_points_custom_reward_id: null,
    source_broadcaster_user_id: message.source?.broadcaster.id ?? null,
    source_broadcaster_user_login: message.source?.broadcaster.login ?? null,
    source_broadcaster_user_name: message.source?.broadcaster.name ?? null,
    source_message_id: message.source?.messageId ?? null,
    source_badges: shared ? [] : null,
  }
}

/** `user.authorization.revoke`: login and name are those of the user, when known. */
export function authorizationRevokeEvent(
  clientId: string,
  user: EmulatorUser | undefined,
  userId: string
) {
  return {
    client_id: clientId,
    user_id: userId,
    user_login: user?.login ?? null,
    user_name: user?.displayName ?? null,
  }
}
