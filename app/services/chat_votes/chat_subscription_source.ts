import { inject } from '@adonisjs/core'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { hasChatVotingScopes } from '#services/chat_votes/chat_scopes'
import type {
  EventSubSubscriptionSource,
  WantedSubscription,
} from '#services/eventsub/eventsub_registry'

export const CHAT_MESSAGE_TYPE = 'channel.chat.message'

/**
 * A channel's chat messages, for every streamer with active authorization
 * who granted the chat scopes: subscribed for the authorization's lifetime,
 * so a launch finds the subscription already enabled and no early vote is
 * lost while Twitch verifies a new one (docs/chat-voting.md).
 */
@inject()
export class ChatSubscriptionSource implements EventSubSubscriptionSource {
  readonly types = [CHAT_MESSAGE_TYPE] as const

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
      .filter((streamer) => hasChatVotingScopes(streamer.scopes))
      .map((streamer) => ({
        type: CHAT_MESSAGE_TYPE,
        version: '1',
        condition: {
          broadcaster_user_id: streamer.twitchUserId,
          user_id: streamer.twitchUserId,
        },
        broadcasterUserId: streamer.twitchUserId,
      }))
  }
}
