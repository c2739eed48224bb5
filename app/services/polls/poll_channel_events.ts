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

interface ChannelRow {
  id: number
  poll_run_id: number
  votes: number[] | null
  channel_points_votes: number[] | null
  twitch_status: string | null
  choice_count: number
}

/**
 * Writes a poll event onto its channel row (docs/eventsub.md). Votes only
 * grow, and Twitch does not promise the order of its deliveries: each count
 * keeps the larger of the stored and the event's value, so an older event
 * arriving late, or the same one twice, changes nothing.
 *
 * The channel row is locked for the write and the run row shared, so events
 * of different channels go side by side while "End now" or the end of the
 * run (which lock the run row) see every event written before them, and
 * events arriving after the run ended are not written.
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
    return db.transaction(async (trx) => {
      const result = await trx.rawQuery(
        `SELECT c.id, c.poll_run_id, c.votes, c.channel_points_votes, c.twitch_status,
                jsonb_array_length(r.choices) AS choice_count
           FROM poll_channels c
           JOIN poll_runs r ON r.id = c.poll_run_id
          WHERE c.twitch_poll_id = ? AND c.twitch_user_id = ?
            AND r.status IN ('running', 'ending')
            FOR NO KEY UPDATE OF c FOR SHARE OF r`,
        [event.id, event.broadcaster_user_id]
      )
      const row: ChannelRow | undefined = result.rows[0]
      if (!row) return null

      const count = Number(row.choice_count)
      const votes = larger(row.votes, event.choices, count, (choice) => choice.votes)
      const points = larger(row.channel_points_votes, event.choices, count, (choice) => {
        return choice.channel_points_votes
      })
      const status =
        ended && event.status && END_STATUSES[event.status]
          ? END_STATUSES[event.status]
          : row.twitch_status
      await trx.rawQuery(
        `UPDATE poll_channels
            SET votes = ?::jsonb, channel_points_votes = ?::jsonb, total_votes = ?,
                twitch_status = ?, results_via = 'events', last_read_at = ?,
                last_read_error = NULL, updated_at = ?
          WHERE id = ?`,
        [
          JSON.stringify(votes),
          JSON.stringify(points),
          votes.reduce((sum, value) => sum + value, 0),
          status,
          this.clock.now().toJSDate(),
          new Date(),
          row.id,
        ] as unknown as string[]
      )
      return row.poll_run_id
    })
  }
}

function larger(
  stored: number[] | null,
  choices: PollEvent['choices'],
  count: number,
  read: (choice: PollEvent['choices'][number]) => number | undefined
) {
  return Array.from({ length: count }, (_, index) => {
    const fromEvent = read(choices[index] ?? {})
    return Math.max(
      stored?.[index] ?? 0,
      typeof fromEvent === 'number' && Number.isFinite(fromEvent) ? fromEvent : 0
    )
  })
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
