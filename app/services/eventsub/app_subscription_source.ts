import twitchConfig from '#config/twitch'
import type {
  EventSubSubscriptionSource,
  WantedSubscription,
} from '#services/eventsub/eventsub_registry'

/**
 * One app-wide `user.authorization.revoke`: Twitch tells Chorus when anyone
 * disconnects it.
 */
export class AppSubscriptionSource implements EventSubSubscriptionSource {
  readonly types = ['user.authorization.revoke'] as const

  async wanted(): Promise<WantedSubscription[]> {
    return [
      {
        type: 'user.authorization.revoke',
        version: '1',
        condition: { client_id: twitchConfig.clientId },
      },
    ]
  }

  async wantedFor(): Promise<WantedSubscription[]> {
    return []
  }
}
