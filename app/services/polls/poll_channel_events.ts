import { inject } from '@adonisjs/core'
import { PollRunStore } from '#services/polls/poll_run_store'
import type { TwitchPollStatus } from '#services/twitch/twitch_helix_client'

/** The part of a `channel.poll.progress|end` event Chorus uses. */
interface PollEvent {
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
 * Applies a poll event to its channel (docs/eventsub.md): the event's
 * counts are checked here, and `PollRunStore.applyPollEvent` writes them.
 */
@inject()
export class PollChannelEvents {
  constructor(private store: PollRunStore) {}

  /**
   * The run whose channel changed, or null (not one of our polls, or the
   * run is over).
   */
  async apply(event: PollEvent, ended: boolean): Promise<number | null> {
    if (!isPollEvent(event)) return null
    return this.store.applyPollEvent({
      pollId: event.id,
      broadcasterId: event.broadcaster_user_id,
      votes: event.choices.map((choice) => count(choice.votes)),
      channelPointsVotes: event.choices.map((choice) => count(choice.channel_points_votes)),
      endStatus: ended && event.status ? (END_STATUSES[event.status] ?? null) : null,
    })
  }
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
