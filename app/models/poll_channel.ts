import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import PollRun from '#models/poll_run'
import { jsonColumn } from '#models/json_column'
import Streamer from '#models/streamer'
import type { TwitchPollStatus } from '#services/twitch/twitch_helix_client'
import { PollChannelSchema } from '#database/schema'

export type PollChannelOutcome = 'created' | 'skipped' | 'failed'

/** How a channel's audience votes: a Twitch poll, or numbers typed in chat. */
export type VotingMethod = 'twitch' | 'chat'

/**
 * A channel whose audience votes in chat in this run: it votes in chat and
 * took part (its vote was opened). A stored row or one a launch is recording.
 */
export function isChatChannel(channel: {
  voting?: VotingMethod | null
  outcome: PollChannelOutcome
}): boolean {
  return channel.voting === 'chat' && channel.outcome === 'created'
}

/** How the channel's votes reach the run: pushed by Twitch, or read from Helix. */
type PollChannelResultsVia = 'events' | 'polling'

/**
 * Why a channel has no poll: left out before asking Twitch (`skipped`) or
 * refused / not reached when creating it (`failed`).
 */
export type PollChannelReason =
  | 'not_authorized'
  | 'needs_reconnect'
  | 'not_affiliate'
  | 'twitch_refused'
  | 'twitch_unreachable'
  /** Its chat already runs another campaign's vote: two would share the same messages. */
  | 'chat_busy'
  /** A chat channel whose question was never posted (its launching instance died, too late to ask). */
  | 'not_asked'

/**
 * A campaign member's channel in one run: its Twitch poll and votes, or the
 * reason it was left out.
 */
export default class PollChannel extends PollChannelSchema {
  @column()
  declare outcome: PollChannelOutcome

  @column()
  declare reason: PollChannelReason | null

  @column()
  declare twitchStatus: TwitchPollStatus | null

  @column()
  declare voting: VotingMethod | null

  declare resultsVia: PollChannelResultsVia

  /** Votes per choice, in the order of the run's choices. */
  @column(jsonColumn<number[] | null>(null))
  declare votes: number[] | null

  @column(jsonColumn<number[] | null>(null))
  declare channelPointsVotes: number[] | null

  @belongsTo(() => PollRun)
  declare run: BelongsTo<typeof PollRun>

  @belongsTo(() => Streamer)
  declare streamer: BelongsTo<typeof Streamer>

  /** A Twitch poll exists on this channel and has not ended yet (never for a chat vote). */
  get twitchPollOpen() {
    return (
      this.outcome === 'created' &&
      this.voting !== 'chat' &&
      (this.twitchStatus === null || this.twitchStatus === 'ACTIVE')
    )
  }
}
