import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { Clock } from '#services/clock'
import type { TwitchPollStatus } from '#services/twitch/twitch_helix_client'

/** The part of a `channel.poll.progress|end` event Chorus uses. */
export interface PollEvent {
  id: string
  broadcaster_user_id: string
  choices: { id?: string; votes?: number; channel_points_votes?: number }[]
  /** `end` only: completed | archived | terminated (lowercase, unlike Helix). */
  status?: string
}

const END_STATUSES: Record<string, TwitchPollStatus> = {
  completed: 'COMPLETED',
  terminated: 'TERMINATED',
  archived: 'ARCHIVED',
}

/**
 * Writes a poll event onto its channel row (docs/eventsub.md). Votes only
 * grow, and Twitch does not promise the order of its deliveries: each count
 * keeps the larger of the stored and the event's value, so an older event
 * arriving late, or the same one twice, changes nothing.
 *
 * One UPDATE statement, no transaction around it: PostgreSQL's row lock
 * makes two events of one channel apply one after the other (the second
 * one recomputed on the first one's result), events of different channels
 * go side by side, and a run that is over is not written to.
 */
@inject()
export class PollChannelEvents {
  constructor(private clock: Clock) {}

  /**
   * The run whose channel changed, or null (not one of our polls, or the
   * run is over).
   */
  async apply(event: PollEvent, ended: boolean): Promise<number | null> {
    if (!isPollEvent(event)) return null
    const votes = JSON.stringify(event.choices.map((choice) => count(choice.votes)))
    const points = JSON.stringify(event.choices.map((choice) => count(choice.channel_points_votes)))
    const status = ended && event.status ? (END_STATUSES[event.status] ?? null) : null
    const result = await db.rawQuery(
      `UPDATE poll_channels AS c SET
         votes = (SELECT jsonb_agg(${larger('c.votes')} ORDER BY i) ${EACH_CHOICE}),
         channel_points_votes = (SELECT jsonb_agg(${larger('c.channel_points_votes')} ORDER BY i) ${EACH_CHOICE}),
         total_votes = (SELECT COALESCE(SUM(${larger('c.votes')}), 0) ${EACH_CHOICE}),
         twitch_status = COALESCE(?, c.twitch_status),
         results_via = 'events',
         last_read_at = ?,
         last_read_error = NULL,
         updated_at = now()
       FROM poll_runs AS r
       WHERE c.twitch_poll_id = ? AND c.twitch_user_id = ?
         AND r.id = c.poll_run_id AND r.status IN ('running', 'ending')
       RETURNING c.poll_run_id`,
      [
        votes,
        points,
        votes,
        status,
        this.clock.now().toJSDate(),
        event.id,
        event.broadcaster_user_id,
      ] as unknown as string[]
    )
    const row: { poll_run_id: number } | undefined = result.rows[0]
    return row?.poll_run_id ?? null
  }
}

/** Every choice index `i` of the run. */
const EACH_CHOICE = 'FROM generate_series(0, jsonb_array_length(r.choices) - 1) AS i'

/** For choice `i`, the larger of the stored count and the event's (bound as `?`). */
function larger(stored: string) {
  return `GREATEST(COALESCE((${stored}->>i)::int, 0), COALESCE((?::jsonb->>i)::int, 0))`
}

function count(value: unknown) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0
}

function isPollEvent(event: unknown): event is PollEvent {
  if (!event || typeof event !== 'object') return false
  const candidate = event as Partial<PollEvent>
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.broadcaster_user_id === 'string' &&
    Array.isArray(candidate.choices)
  )
}
