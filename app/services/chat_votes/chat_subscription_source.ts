import { inject } from '@adonisjs/core'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { hasChatVotingScopes } from '#services/chat_votes/chat_scopes'
import type { WantedSubscription } from '#services/eventsub/eventsub_registry'
import { StreamerSubscriptionSource } from '#services/eventsub/streamer_subscription_source'

export const CHAT_MESSAGE_TYPE = 'channel.chat.message'

/**
 * A channel's chat messages, for every streamer with active authorization
 * who granted the chat scopes: subscribed for the authorization's lifetime,
 * so a launch finds the subscription already enabled and no early vote is
 * lost while Twitch verifies a new one (docs/chat-voting.md).
 */
@inject()
export class ChatSubscriptionSource extends StreamerSubscriptionSource {
  readonly types = [CHAT_MESSAGE_TYPE] as const

  constructor(clock: Clock) {
    super(clock)
  }

  protected subscriptionsOf(streamer: Streamer): WantedSubscription[] {
    if (!hasChatVotingScopes(streamer.scopes)) return []
    return [
      {
        type: CHAT_MESSAGE_TYPE,
        version: '1',
        condition: {
          broadcaster_user_id: streamer.twitchUserId,
          user_id: streamer.twitchUserId,
        },
      },
    ]
  }
}
