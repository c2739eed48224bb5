import { inject } from '@adonisjs/core'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { ConduitDirectory } from '#services/eventsub/conduit/conduit_directory'
import type {
  SubscriptionTransport,
  TwitchEventSubSubscription,
} from '#services/twitch/twitch_eventsub_client'

/**
 * Where our subscriptions deliver now: our webhook, or our conduit (found or
 * created once across instances). One answer for the reconciler that
 * creates subscriptions and for the checks that read Twitch's listing
 * (docs/eventsub.md, "Transports").
 */
@inject()
export class DeliveryTransport {
  constructor(
    private settings: EventSubSettings,
    private conduits: ConduitDirectory
  ) {}

  async current(): Promise<SubscriptionTransport> {
    if (this.settings.usesConduit) {
      return { method: 'conduit', conduitId: await this.conduits.conduitId() }
    }
    return { method: 'webhook', callback: this.settings.callbackUrl, secret: this.settings.secret }
  }
}

/** Does Twitch deliver this subscription through `transport`? */
export function deliversThrough(
  subscription: TwitchEventSubSubscription,
  transport: SubscriptionTransport
) {
  return transport.method === 'conduit'
    ? subscription.conduitId === transport.conduitId
    : subscription.callback === transport.callback
}
