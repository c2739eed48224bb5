import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import PollRun, { type PollRunEndReason, type PollRunStatus } from '#models/poll_run'
import PollChannel from '#models/poll_channel'
import { Clock } from '#services/clock'
import { combineVotes } from '#services/polls/poll_snapshot'

export interface RunWithChannels {
  run: PollRun
  channels: PollChannel[]
}

/**
 * Writes to a run and its channels, serialized on the run's row
 * (`SELECT … FOR UPDATE`): the poller of one instance and "End now" on
 * another never overwrite each other, and nothing is written to a run that
 * has moved on to another status.
 */
@inject()
export class PollRunStore {
  constructor(private clock: Clock) {}

  async load(runId: number): Promise<RunWithChannels | null> {
    const run = await PollRun.find(runId)
    if (!run) return null
    const channels = await PollChannel.query().where('poll_run_id', runId).orderBy('id')
    return { run, channels }
  }

  async statusOf(runId: number): Promise<PollRunStatus | null> {
    const row: { status: PollRunStatus } | null = await db
      .from('poll_runs')
      .where('id', runId)
      .select('status')
      .first()
    return row?.status ?? null
  }

  /**
   * Saves the channels' pending changes if the run is still in one of
   * `statuses`. Returns the run as stored, or null when it moved on (or is gone).
   */
  async saveChannels(
    runId: number,
    channels: PollChannel[],
    statuses: PollRunStatus[] = ['running']
  ): Promise<PollRun | null> {
    return this.#whileIn(runId, statuses, async (run, trx) => {
      await saveDirty(channels, trx)
      return run
    })
  }

  /**
   * Ends a run that is in one of `from`: saves the channels, stores the
   * combined totals, the status and the end time. Null when the run had
   * already moved on (someone else ended it).
   */
  async finalize(
    runId: number,
    channels: PollChannel[],
    end: { status: Extract<PollRunStatus, 'completed' | 'terminated'>; reason: PollRunEndReason },
    from: PollRunStatus[]
  ): Promise<PollRun | null> {
    return this.#whileIn(runId, from, async (run, trx) => {
      await saveDirty(channels, trx)
      // Events may have written counts since `channels` was read: the totals
      // come from the rows as stored, and the caller's models catch up.
      const stored = await PollChannel.query({ client: trx }).where('poll_run_id', runId)
      adoptCounts(channels, stored)
      const withPoll = stored.filter((channel) => channel.outcome === 'created')
      const totals = combineVotes(run.choices.length, withPoll)
      run.useTransaction(trx)
      run.merge({
        status: end.status,
        endReason: end.reason,
        endedAt: this.clock.now(),
        totals,
        totalVotes: totals.reduce((sum, votes) => sum + votes, 0),
      })
      await run.save()
      return run
    })
  }

  /**
   * Records how the channels' results arrive (by event or by reading
   * Helix), without touching their counts.
   */
  async setResultsVia(channels: PollChannel[]) {
    for (const via of ['events', 'polling'] as const) {
      const ids = channels.filter((channel) => channel.resultsVia === via).map(({ id }) => id)
      if (ids.length === 0) continue
      await db.from('poll_channels').whereIn('id', ids).update({ results_via: via })
    }
  }

  /**
   * Moves a run from one status to another in one conditional write. False
   * when it was not in `from` any more.
   */
  async transition(
    runId: number,
    from: PollRunStatus,
    to: PollRunStatus,
    changes: { endReason?: PollRunEndReason; endedAt?: DateTime } = {}
  ) {
    const updated = await db.from('poll_runs').where('id', runId).where('status', from).update({
      status: to,
      end_reason: changes.endReason,
      ended_at: changes.endedAt?.toJSDate(),
      updated_at: this.clock.now().toJSDate(),
    })
    return Number(updated) > 0
  }

  async #whileIn<T>(
    runId: number,
    statuses: PollRunStatus[],
    work: (run: PollRun, trx: TransactionClientContract) => Promise<T>
  ): Promise<T | null> {
    return db.transaction(async (trx) => {
      const run = await PollRun.query({ client: trx }).where('id', runId).forUpdate().first()
      if (!run || !statuses.includes(run.status)) return null
      return work(run, trx)
    })
  }
}

/** The counts and statuses of `stored` copied onto the matching models. */
function adoptCounts(channels: PollChannel[], stored: PollChannel[]) {
  const byId = new Map(stored.map((channel) => [channel.id, channel]))
  for (const channel of channels) {
    const row = byId.get(channel.id)
    if (!row) continue
    channel.merge({
      votes: row.votes,
      channelPointsVotes: row.channelPointsVotes,
      totalVotes: row.totalVotes,
      twitchStatus: row.twitchStatus,
      resultsVia: row.resultsVia,
      lastReadAt: row.lastReadAt,
    })
    channel.$hydrateOriginals()
  }
}

/**
 * Writes the changed channels in one statement (not one UPDATE each): a
 * read of 50 channels, or "End now" on 50, is one round trip to PostgreSQL.
 * Only the columns a read or an end changes are written.
 */
async function saveDirty(channels: PollChannel[], trx: TransactionClientContract) {
  const dirty = channels.filter((channel) => channel.$isDirty)
  if (dirty.length === 0) return
  const now = new Date()
  const rows = dirty.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')
  const bindings = dirty.flatMap((channel) => [
    channel.id,
    channel.twitchStatus,
    channel.votes === null ? null : JSON.stringify(channel.votes),
    channel.channelPointsVotes === null ? null : JSON.stringify(channel.channelPointsVotes),
    channel.totalVotes,
    channel.lastReadAt?.toJSDate() ?? null,
    channel.lastReadError,
  ])
  await trx.rawQuery(
    `UPDATE poll_channels AS c SET
       twitch_status = v.twitch_status,
       votes = v.votes::jsonb,
       channel_points_votes = v.channel_points_votes::jsonb,
       total_votes = v.total_votes::integer,
       last_read_at = v.last_read_at::timestamptz,
       last_read_error = v.last_read_error,
       updated_at = ?
     FROM (VALUES ${rows}) AS v(id, twitch_status, votes, channel_points_votes, total_votes, last_read_at, last_read_error)
     WHERE c.id = v.id::integer`,
    // Lucid's binding type leaves out null, which PostgreSQL takes fine here.
    [now, ...bindings] as unknown as string[]
  )
  for (const channel of dirty) {
    channel.$hydrateOriginals()
  }
}
