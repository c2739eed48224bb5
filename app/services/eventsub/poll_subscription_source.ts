import { inject } from '@adonisjs/core'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import type {
  EventSubSubscriptionSource,
  WantedSubscription,
} from '#services/eventsub/eventsub_registry'

export const POLL_EVENT_TYPES = [
  'channel.poll.begin',
  'channel.poll.progress',
  'channel.poll.end',
] as const

/** Either scope lets Twitch send a channel's poll events. */
const POLL_SCOPES = ['channel:read:polls', 'channel:manage:polls']

/**
 * Poll events for every streamer with active authorization (active, and an
 * accepted membership whose poll authorization runs) whose scopes allow them.
 */
@inject()
export class PollSubscriptionSource implements EventSubSubscriptionSource {
  readonly types = POLL_EVENT_TYPES

  constructor(private clock: Clock) {}

  async wanted(): Promise<WantedSubscription[]> {
    return this.#for(await this.#query())
  }

  async wantedFor(twitchUserId: string): Promise<WantedSubscription[]> {
    return this.#for(await this.#query().where('twitch_user_id', twitchUserId))
  }

  #query() {
    const now = this.clock.now()
    return Streamer.query()
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .select('id', 'twitch_user_id', 'scopes')
  }

  #for(streamers: Streamer[]): WantedSubscription[] {
    return streamers
      .filter((streamer) => streamer.scopes.some((scope) => POLL_SCOPES.includes(scope)))
      .flatMap((streamer) =>
        POLL_EVENT_TYPES.map((type) => ({
          type,
          version: '1',
          condition: { broadcaster_user_id: streamer.twitchUserId },
          broadcasterUserId: streamer.twitchUserId,
        }))
      )
  }
}
