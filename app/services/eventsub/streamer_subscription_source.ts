import Streamer from '#models/streamer'
import type { Clock } from '#services/clock'
import type {
  EventSubSubscriptionSource,
  WantedSubscription,
} from '#services/eventsub/eventsub_registry'

/**
 * A source whose subscriptions follow the streamers with active
 * authorization (an active streamer with an accepted membership whose poll
 * authorization runs): each feature says which subscriptions one such
 * streamer needs, given the scopes they granted (docs/eventsub.md).
 */
export abstract class StreamerSubscriptionSource implements EventSubSubscriptionSource {
  abstract readonly types: readonly string[]

  constructor(protected clock: Clock) {}

  /** What this streamer needs; none when their scopes do not allow it. */
  protected abstract subscriptionsOf(streamer: Streamer): WantedSubscription[]

  async wanted(): Promise<WantedSubscription[]> {
    const streamers = await this.#query()
    return streamers.flatMap((streamer) => this.subscriptionsOf(streamer))
  }

  async wantedFor(twitchUserId: string): Promise<WantedSubscription[]> {
    const streamers = await this.#query().where('twitch_user_id', twitchUserId)
    return streamers.flatMap((streamer) => this.subscriptionsOf(streamer))
  }

  #query() {
    const now = this.clock.now()
    return Streamer.query()
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .select('id', 'twitch_user_id', 'scopes')
  }
}
