import { inject } from '@adonisjs/core'
import twitchConfig from '#config/twitch'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { ConduitDirectory } from '#services/eventsub/conduit/conduit_directory'
import { SHARD_DISABLED_TYPE } from '#services/eventsub/conduit/shard_disabled_handler'
import type {
  EventSubSubscriptionSource,
  WantedSubscription,
} from '#services/eventsub/eventsub_registry'

/**
 * One app-wide `user.authorization.revoke`: Twitch tells Chorus when anyone
 * disconnects it. Over the conduit, also `conduit.shard.disabled` for our
 * conduit, so a shard Twitch stops delivering to is noticed.
 */
@inject()
export class AppSubscriptionSource implements EventSubSubscriptionSource {
  readonly types = ['user.authorization.revoke', SHARD_DISABLED_TYPE] as const

  constructor(
    private settings: EventSubSettings,
    private conduits: ConduitDirectory
  ) {}

  async wanted(): Promise<WantedSubscription[]> {
    const clientId = twitchConfig.clientId
    const wanted: WantedSubscription[] = [
      { type: 'user.authorization.revoke', version: '1', condition: { client_id: clientId } },
    ]
    if (this.settings.usesConduit) {
      wanted.push({
        type: SHARD_DISABLED_TYPE,
        version: '1',
        condition: { client_id: clientId, conduit_id: await this.conduits.conduitId() },
      })
    }
    return wanted
  }

  async wantedFor(): Promise<WantedSubscription[]> {
    return []
  }
}
