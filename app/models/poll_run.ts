import { belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import PollChannel from '#models/poll_channel'
import { jsonColumn } from '#models/json_column'
import { PollRunSchema } from '#database/schema'

/**
 * - `launching`: the run row exists, channels are being checked and polls created;
 * - `running`: polls are live on Twitch, results are read until the end;
 * - `ending`: the GM pressed "End now": chat votes are closed, the Twitch
 *   polls are being ended (retried until Twitch confirms it could be told);
 * - `completed`: ended at its duration; `terminated`: ended early by the GM;
 * - `failed`: no channel could run it (or the launch was interrupted).
 */
export type PollRunStatus =
  'launching' | 'running' | 'ending' | 'completed' | 'terminated' | 'failed'

/** Statuses during which the campaign cannot launch another poll. */
export const LIVE_RUN_STATUSES: PollRunStatus[] = ['launching', 'running', 'ending']

/** `auto`: a Twitch poll where the channel can run one, chat elsewhere; `chat`: chat everywhere. */
export type VotingMode = 'auto' | 'chat'

export type PollRunEndReason =
  'duration' | 'ended_early' | 'ended_on_twitch' | 'no_channel' | 'interrupted'

/**
 * One launch of a poll on every ready channel of a campaign. The question is
 * copied from the prepared poll, so history survives later edits.
 */
export default class PollRun extends PollRunSchema {
  @column({ serializeAs: null })
  declare idempotencyKey: string

  /** What the API asked (a hash), so a reused key with another request is refused. */
  @column({ serializeAs: null })
  declare requestHash: string | null

  @column()
  declare status: PollRunStatus

  @column()
  declare votingMode: VotingMode

  @column(jsonColumn<string[]>([]))
  declare choices: string[]

  @column()
  declare endReason: PollRunEndReason | null

  /** Final combined votes per choice, in the order of `choices`; null while live. */
  @column(jsonColumn<number[] | null>(null))
  declare totals: number[] | null

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>

  @hasMany(() => PollChannel)
  declare channels: HasMany<typeof PollChannel>

  /** Runs that are launching, running or ending. */
  static live = scope((query) => {
    query.whereIn('status', LIVE_RUN_STATUSES)
  })

  /** Runs that are over (history). */
  static finished = scope((query) => {
    query.whereNotIn('status', LIVE_RUN_STATUSES)
  })

  get isLive() {
    return LIVE_RUN_STATUSES.includes(this.status)
  }
}
