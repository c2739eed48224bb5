import { inject } from '@adonisjs/core'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import type { WantedSubscription } from '#services/eventsub/eventsub_registry'
import { StreamerSubscriptionSource } from '#services/eventsub/streamer_subscription_source'

export const POLL_EVENT_TYPES = [
  'channel.poll.begin',
  'channel.poll.progress',
  'channel.poll.end',
] as const

/** Either scope lets Twitch send a channel's poll events. */
const POLL_SCOPES = ['channel:read:polls', 'channel:manage:polls']

/**
 * Poll events for every streamer with active authorization whose scopes
 * allow them.
 */
@inject()
export class PollSubscriptionSource extends StreamerSubscriptionSource {
  readonly types = POLL_EVENT_TYPES

  constructor(clock: Clock) {
    super(clock)
  }

  protected subscriptionsOf(streamer: Streamer): WantedSubscription[] {
    if (!streamer.scopes.some((scope) => POLL_SCOPES.includes(scope))) return []
    return POLL_EVENT_TYPES.map((type) => ({
      type,
      version: '1',
      condition: { broadcaster_user_id: streamer.twitchUserId },
    }))
  }
}
