import type PollChannel from '#models/poll_channel'
import type { VotingMethod } from '#models/poll_channel'
import type { RunSnapshot } from '#services/polls/poll_snapshot'

export type OverlayVoting = VotingMethod

/**
 * What an overlay shows of a run, and nothing more: the question, the
 * choices and the combined votes of every channel. No channel names, no
 * campaign, no user ids: overlays are public pages on stream.
 */
export interface OverlayPoll {
  /** The run, so the page can tell one poll from the next. */
  id: number
  live: boolean
  title: string
  choices: string[]
  /** Combined votes per choice over every channel of the run. */
  totals: number[]
  totalVotes: number
  /** Channels taking part (with a poll of their own). */
  channelCount: number
  endsAt: string | null
  endedAt: string | null
  /** Indexes of the choices with the most votes once ended (several on a tie). */
  winners: number[]
  /** How this overlay's channel votes: its Twitch poll, or numbers typed in chat. */
  voting: OverlayVoting
  /** Server time, so the countdown does not depend on the OBS machine's clock. */
  serverNow: string
}

export type OverlayMessage = { type: 'poll'; poll: OverlayPoll } | { type: 'revoked' }

/**
 * The overlay's view of a run, made from the same snapshot the GM's page
 * gets (one way of combining votes).
 */
export function overlayPoll(snapshot: RunSnapshot, voting: OverlayVoting): OverlayPoll {
  return {
    id: snapshot.id,
    live: snapshot.live,
    title: snapshot.title,
    choices: snapshot.choices,
    totals: snapshot.totals,
    totalVotes: snapshot.totalVotes,
    channelCount: snapshot.channels.length,
    endsAt: snapshot.endsAt,
    endedAt: snapshot.endedAt,
    winners: snapshot.winners,
    voting,
    serverNow: snapshot.serverNow,
  }
}

/**
 * How a channel of a run votes: a chat-voting channel's overlay explains how
 * to vote in chat (docs/overlay.md); rows without a method vote on Twitch.
 */
export function channelVoting(channel: Pick<PollChannel, 'voting'>): OverlayVoting {
  return channel.voting ?? 'twitch'
}
