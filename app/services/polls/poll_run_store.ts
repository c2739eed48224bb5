import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import PollRun, { type PollRunEndReason, type PollRunStatus } from '#models/poll_run'
import PollChannel, {
  isChatChannel,
  type PollChannelOutcome,
  type PollChannelReason,
  type VotingMethod,
} from '#models/poll_channel'
import type Streamer from '#models/streamer'
import type { ModelAttributes } from '@adonisjs/lucid/types/model'
import type { TwitchPoll, TwitchPollStatus } from '#services/twitch/twitch_helix_client'
import { Clock } from '#services/clock'
import { combineVotes, type AskingChannel } from '#services/polls/poll_snapshot'
import { PollNotifier } from '#services/polls/poll_notifier'
import { NOT_ASKED_IN_TIME } from '#services/chat_votes/not_asked'

/** One member's channel as a launch leaves it: its Twitch poll, or why it has none. */
export interface LaunchedChannel {
  streamer: Streamer
  outcome: PollChannelOutcome
  reason: PollChannelReason | null
  error: string | null
  poll: TwitchPoll | null
  /** How the channel votes when it takes part: a Twitch poll, or in chat. */
  voting?: VotingMethod | null
}

/** A `channel.poll.progress|end` event's counts, as `PollChannelEvents` checked them. */
interface PollEventCounts {
  pollId: string
  broadcasterId: string
  votes: number[]
  channelPointsVotes: number[]
  /** Set by an `end` event. */
  endStatus: TwitchPollStatus | null
}

/** The run being recorded was no longer `launching`: another instance undid the launch. */
class LaunchTakenOverError extends Error {
  constructor(readonly runId: number) {
    super(`run ${runId} was taken over while launching`)
  }
}

export interface RunWithChannels {
  run: PollRun
  channels: PollChannel[]
}

/**
 * Every write to a run and its channels, and the lookups the writes depend
 * on. Writes after the launch are serialized on the run's row (`SELECT … FOR
 * UPDATE`): the poller of one instance and "End now" on another never
 * overwrite each other, and nothing is written to a run that has moved on to
 * another status.
 */
@inject()
export class PollRunStore {
  constructor(
    private clock: Clock,
    private notifier: PollNotifier
  ) {}

  /**
   * A new run in `launching`. Its idempotency key is unique, and a partial
   * unique index allows one live run per campaign: a second insert fails
   * with a unique violation, which the launch turns into an answer.
   */
  async create(values: Partial<ModelAttributes<PollRun>>) {
    // The app's clock stamps the run: a launch's age is measured against it.
    const now = this.clock.now()
    return PollRun.create({ ...values, status: 'launching', createdAt: now, updatedAt: now })
  }

  /** The launch made with this key in this campaign, if any. */
  async findByKey(campaignId: number, idempotencyKey: string) {
    return PollRun.query()
      .where('idempotency_key', idempotencyKey)
      .where('campaign_id', campaignId)
      .first()
  }

  /** The campaign's run that is launching, running or ending, if any. */
  async liveRun(campaignId: number) {
    return PollRun.query()
      .where('campaign_id', campaignId)
      .withScopes((scopes) => scopes.live())
      .first()
  }

  /**
   * The end of a launch: the run's new status (already merged into `run`)
   * and one row per member's channel, in one transaction (one UPDATE, one
   * multi-row INSERT). Throws `LaunchTakenOverError` when the run is no
   * longer `launching`.
   */
  async recordLaunch(run: PollRun, channels: LaunchedChannel[], byEvents: Set<string>) {
    const now = this.clock.now()
    run.updatedAt = now
    const rows = channels.map((channel) => launchedRow(run, channel, byEvents, now.toJSDate()))

    // One statement, so one round trip to PostgreSQL and atomic as a
    // transaction: only a run still `launching` is recorded (if this
    // instance lost its lease and a watcher undid the launch meanwhile, the
    // undo stands), and its channels are inserted only with it.
    const result = await db.rawQuery(
      `WITH recorded AS (
         UPDATE poll_runs SET
           status = ?, started_at = ?, ends_at = ?, ended_at = ?, end_reason = ?,
           totals = ?::jsonb, total_votes = ?, updated_at = ?
         WHERE id = ? AND status = 'launching'
         RETURNING id
       ), inserted AS (
         INSERT INTO poll_channels (${LAUNCHED_COLUMNS.map(([name]) => name).join(', ')})
         SELECT ${LAUNCHED_COLUMNS.map(([name]) => `r.${name}`).join(', ')}
         FROM jsonb_to_recordset(?::jsonb)
           AS r(${LAUNCHED_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
         WHERE EXISTS (SELECT 1 FROM recorded)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM recorded)::int AS recorded`,
      [
        run.status,
        run.startedAt?.toJSDate() ?? null,
        run.endsAt?.toJSDate() ?? null,
        run.endedAt?.toJSDate() ?? null,
        run.endReason ?? null,
        run.totals ? JSON.stringify(run.totals) : null,
        run.totalVotes ?? null,
        now.toJSDate(),
        run.id,
        JSON.stringify(rows),
        // Lucid's binding type leaves out null, which PostgreSQL takes fine here.
      ] as unknown as string[]
    )
    if (Number(result.rows[0]?.recorded ?? 0) === 0) throw new LaunchTakenOverError(run.id)
    run.$hydrateOriginals()
  }

  /**
   * The channels a launching run is still asking Twitch about, as a page
   * opened meanwhile shows them: every member of its campaign (the launch
   * records them all at once, and pushes each answer as it comes).
   */
  async askingChannels(run: PollRun): Promise<AskingChannel[]> {
    if (run.status !== 'launching') return []
    const rows: { twitch_login: string; twitch_display_name: string | null }[] = await db
      .from('campaign_memberships')
      .join('streamers', 'streamers.id', 'campaign_memberships.streamer_id')
      .where('campaign_memberships.campaign_id', run.campaignId)
      .select('streamers.twitch_login', 'streamers.twitch_display_name')
    return rows.map((row) => ({
      login: row.twitch_login,
      displayName: row.twitch_display_name || row.twitch_login,
    }))
  }

  async load(runId: number): Promise<RunWithChannels | null> {
    const run = await PollRun.find(runId)
    if (!run) return null
    const channels = await PollChannel.query().where('poll_run_id', runId).orderBy('id')
    return { run, channels }
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
      await saveDirty(channels, trx, this.clock.now().toJSDate())
      return run
    })
  }

  /**
   * Records how each chat channel's vote opened (its question posted, or
   * the channel left out with its reason), in one statement while the run
   * is running.
   */
  async saveChatOpenings(runId: number, channels: PollChannel[]) {
    if (channels.length === 0) return
    await this.#whileIn(runId, ['running'], async (_run, trx) => {
      const rows = channels.map(() => '(?, ?, ?, ?, ?)').join(', ')
      const bindings = channels.flatMap((channel) => [
        channel.id,
        channel.outcome,
        channel.reason,
        channel.error,
        channel.chatAnnouncedAt?.toJSDate() ?? null,
      ])
      await trx.rawQuery(
        `UPDATE poll_channels AS c SET
           outcome = v.outcome,
           reason = v.reason,
           error = v.error,
           chat_announced_at = v.chat_announced_at::timestamptz,
           updated_at = ?
         FROM (VALUES ${rows}) AS v(id, outcome, reason, error, chat_announced_at)
         WHERE c.id = v.id::integer`,
        // Lucid's binding type leaves out null, which PostgreSQL takes fine here.
        [this.clock.now().toJSDate(), ...bindings] as unknown as string[]
      )
    })
    for (const channel of channels) channel.$hydrateOriginals()
  }

  /**
   * The chat channels of the run whose result is not posted yet, each
   * marked as posted in the same conditional write: however many instances
   * or calls ask, a channel is handed out once.
   */
  async claimChatResultPosts(runId: number): Promise<{ id: number; twitchUserId: string }[]> {
    const rows: { id: number; twitch_user_id: string }[] = await db
      .from('poll_channels')
      .where('poll_run_id', runId)
      .where('voting', 'chat')
      .where('outcome', 'created')
      .whereNull('chat_result_posted_at')
      .update({ chat_result_posted_at: this.clock.now().toJSDate() }, ['id', 'twitch_user_id'])
    return rows.map((row) => ({ id: row.id, twitchUserId: row.twitch_user_id }))
  }

  /**
   * Which of these runs have a chat channel taking part whose question was
   * never posted (the launching instance died first): one query for all.
   */
  async withUnaskedChat(runIds: number[]): Promise<Set<number>> {
    if (runIds.length === 0) return new Set()
    const rows: { poll_run_id: number }[] = await db
      .from('poll_channels')
      .whereIn('poll_run_id', runIds)
      .where('voting', 'chat')
      .where('outcome', 'created')
      .whereNull('chat_announced_at')
      .distinct('poll_run_id')
    return new Set(rows.map((row) => row.poll_run_id))
  }

  /** Which of these Twitch poll ids a run has recorded. */
  async recordedPollIds(pollIds: string[]): Promise<Set<string>> {
    if (pollIds.length === 0) return new Set()
    const rows: { twitch_poll_id: string }[] = await db
      .from('poll_channels')
      .whereIn('twitch_poll_id', pollIds)
      .select('twitch_poll_id')
    return new Set(rows.map((row) => row.twitch_poll_id))
  }

  /**
   * Writes a poll event onto its channel row (docs/eventsub.md): the row of
   * that poll on that channel (never another poll's row of the same
   * channel), and only while its run is running or ending. Votes only grow,
   * and Twitch does not promise the order of its deliveries: each count keeps
   * the larger of the stored and the event's value, so an older event
   * arriving late, or the same one twice, changes nothing.
   *
   * One UPDATE statement, no transaction around it: PostgreSQL's row lock
   * makes two events of one channel apply one after the other (the second
   * one recomputed on the first one's result), events of different channels
   * go side by side. The run whose channel changed, or null.
   */
  async applyPollEvent(event: PollEventCounts): Promise<number | null> {
    const votes = JSON.stringify(event.votes)
    const points = JSON.stringify(event.channelPointsVotes)
    const result = await db.rawQuery(
      `UPDATE poll_channels AS c SET
         votes = (SELECT jsonb_agg(${larger('c.votes')} ORDER BY i) ${EACH_CHOICE}),
         channel_points_votes = (SELECT jsonb_agg(${larger('c.channel_points_votes')} ORDER BY i) ${EACH_CHOICE}),
         total_votes = (SELECT COALESCE(SUM(${larger('c.votes')}), 0) ${EACH_CHOICE}),
         twitch_status = COALESCE(?, c.twitch_status),
         results_via = 'events',
         last_read_at = ?,
         last_read_error = NULL,
         updated_at = ?
       FROM poll_runs AS r
       WHERE c.twitch_poll_id = ? AND c.twitch_user_id = ?
         AND r.id = c.poll_run_id AND r.status IN ('running', 'ending')
       RETURNING c.poll_run_id`,
      [
        votes,
        points,
        votes,
        event.endStatus,
        this.clock.now().toJSDate(),
        this.clock.now().toJSDate(),
        event.pollId,
        event.broadcasterId,
      ] as unknown as string[]
    )
    const row: { poll_run_id: number } | undefined = result.rows[0]
    return row?.poll_run_id ?? null
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
    const ended = await this.#whileIn(runId, from, async (run, trx) => {
      await saveDirty(channels, trx, this.clock.now().toJSDate())
      await settleChat(runId, trx, this.clock.now().toJSDate())
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
        // An early end keeps the moment "End now" was pressed.
        endedAt: run.endedAt ?? this.clock.now(),
        totals,
        totalVotes: totals.reduce((sum, votes) => sum + votes, 0),
      })
      await run.save()
      return run
    })
    // Only the one write that ended the run gets here with it: the streamers hear it once.
    if (ended) await this.notifier.ended(ended)
    return ended
  }

  /**
   * Marks the chat votes of these channels (by Twitch user id) on running
   * runs as interrupted (Twitch stopped delivering their chat: `interrupted`
   * true) or back, in one conditional write. Returns the runs that changed.
   */
  async setChatInterrupted(twitchUserIds: string[], interrupted: boolean): Promise<number[]> {
    if (twitchUserIds.length === 0) return []
    const result = await db.rawQuery(
      `UPDATE poll_channels AS c SET chat_interrupted_at = ?, updated_at = ?
       FROM poll_runs AS r
       WHERE r.id = c.poll_run_id AND r.status = 'running'
         AND c.voting = 'chat' AND c.outcome = 'created'
         AND c.twitch_user_id = ANY(?)
         AND c.chat_interrupted_at IS ${interrupted ? 'NULL' : 'NOT NULL'}
       RETURNING c.poll_run_id`,
      [
        interrupted ? this.clock.now().toJSDate() : null,
        this.clock.now().toJSDate(),
        twitchUserIds,
      ] as unknown as string[]
    )
    const rows: { poll_run_id: number }[] = result.rows
    return [...new Set(rows.map((row) => row.poll_run_id))]
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

/**
 * What the end settles on the chat channels: a chat vote is over, so a mark
 * "interrupted" (Twitch stopped delivering its chat) no longer applies; a
 * chat channel whose question was never posted (no vote reached it: its
 * launching instance died first) is listed with the channels left out.
 */
async function settleChat(runId: number, trx: TransactionClientContract, now: Date) {
  await trx
    .from('poll_channels')
    .where('poll_run_id', runId)
    .whereNotNull('chat_interrupted_at')
    .update({ chat_interrupted_at: null, updated_at: now })
  await trx
    .from('poll_channels')
    .where('poll_run_id', runId)
    .where('voting', 'chat')
    .where('outcome', 'created')
    .whereNull('chat_announced_at')
    .where('total_votes', 0)
    .update({ outcome: 'failed', reason: 'not_asked', error: NOT_ASKED_IN_TIME, updated_at: now })
}

/**
 * The columns of a launched channel's row and their types in the launch's
 * one statement (text, not the columns' own sizes: a value too long must
 * fail the launch, not be cut).
 */
const LAUNCHED_COLUMNS: [string, string][] = [
  ['poll_run_id', 'integer'],
  ['streamer_id', 'integer'],
  ['twitch_user_id', 'text'],
  ['twitch_login', 'text'],
  ['display_name', 'text'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['error', 'text'],
  ['twitch_poll_id', 'text'],
  ['twitch_status', 'text'],
  ['votes', 'jsonb'],
  ['channel_points_votes', 'jsonb'],
  ['total_votes', 'integer'],
  ['last_read_at', 'timestamptz'],
  ['voting', 'text'],
  ['results_via', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
]

/**
 * A launched channel's row as the launch records it (its JSON columns as
 * arrays): one row per member, with its Twitch poll, its chat vote, or why
 * it has neither. The launch's live progress shows the same values before
 * they are stored.
 */
export function launchedRow(
  run: PollRun,
  channel: LaunchedChannel,
  byEvents: Set<string>,
  now: Date
) {
  const choiceCount = run.choices.length
  const chat = isChatChannel(channel)
  const votes = channel.poll
    ? Array.from({ length: choiceCount }, (_, index) => channel.poll!.choices[index]?.votes ?? 0)
    : chat
      ? Array.from({ length: choiceCount }, () => 0)
      : null
  return {
    poll_run_id: run.id,
    streamer_id: channel.streamer.id,
    twitch_user_id: channel.streamer.twitchUserId,
    twitch_login: channel.streamer.twitchLogin,
    display_name: channel.streamer.twitchDisplayName || channel.streamer.twitchLogin,
    outcome: channel.outcome,
    reason: channel.reason,
    error: channel.error,
    twitch_poll_id: channel.poll?.id ?? null,
    twitch_status: channel.poll?.status ?? null,
    votes,
    channel_points_votes: votes ? votes.map(() => 0) : null,
    total_votes: votes ? votes.reduce((sum, count) => sum + count, 0) : 0,
    last_read_at: channel.poll || chat ? now : null,
    voting: channel.outcome === 'created' ? (channel.voting ?? 'twitch') : null,
    results_via: chat || byEvents.has(channel.streamer.twitchUserId) ? 'events' : 'polling',
    created_at: now,
    updated_at: now,
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
      outcome: row.outcome,
      reason: row.reason,
      error: row.error,
      chatInterruptedAt: row.chatInterruptedAt,
    })
    channel.$hydrateOriginals()
  }
}

/**
 * Writes the changed channels in one statement (not one UPDATE each): a
 * read of 50 channels, or "End now" on 50, is one round trip to PostgreSQL.
 * Only the columns a read or an end changes are written.
 */
async function saveDirty(channels: PollChannel[], trx: TransactionClientContract, now: Date) {
  const dirty = channels.filter((channel) => channel.$isDirty)
  if (dirty.length === 0) return
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

/** Every choice index `i` of the run. */
const EACH_CHOICE = 'FROM generate_series(0, jsonb_array_length(r.choices) - 1) AS i'

/** For choice `i`, the larger of the stored count and the event's (bound as `?`). */
function larger(stored: string) {
  return `GREATEST(COALESCE((${stored}->>i)::int, 0), COALESCE((?::jsonb->>i)::int, 0))`
}
