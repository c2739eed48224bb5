import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { Clock } from '#services/clock'
import { errorMessage } from '#services/error_message'
import { broadcasterOf } from '#services/eventsub/eventsub_registry'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { TwitchEventSubClient } from '#services/twitch/twitch_eventsub_client'
import { DeliveryTransport, deliversThrough } from '#services/eventsub/delivery_transport'
import { CHAT_MESSAGE_TYPE } from '#services/chat_votes/chat_subscription_source'

/**
 * Before a chat channel is asked to vote, Twitch itself confirms that its
 * `channel.chat.message` subscription is enabled: our table can be behind
 * (Twitch may stop delivering and revoke without the revocation reaching
 * us), and a question posted then would lose every vote
 * (docs/chat-voting.md).
 */
@inject()
export class ChatSubscriptionConfirmation {
  constructor(
    private clock: Clock,
    private store: SubscriptionStore,
    private client: TwitchEventSubClient,
    private transports: DeliveryTransport
  ) {}

  /**
   * True when Twitch lists this channel's chat subscription (with our
   * transport: our webhook or our conduit) as enabled. Our table answers "no" without asking Twitch;
   * when it says "yes", Twitch's listing of that user decides, and a
   * different answer replaces what the table held for the channel.
   */
  async isEnabled(twitchUserId: string): Promise<boolean> {
    if (!(await this.store.isEnabled(CHAT_MESSAGE_TYPE, twitchUserId))) return false
    const listedAt = this.clock.now()
    let listed
    let transport
    try {
      transport = await this.transports.current()
      listed = await this.client.list({ userId: twitchUserId })
    } catch (error) {
      logger.warn(
        { twitchUserId, error: errorMessage(error) },
        '[Chat votes] Twitch could not confirm a chat subscription'
      )
      return false
    }
    const chat = listed.filter(
      (subscription) =>
        subscription.type === CHAT_MESSAGE_TYPE &&
        deliversThrough(subscription, transport) &&
        broadcasterOf(subscription.condition) === twitchUserId
    )
    if (chat.some((subscription) => subscription.status === 'enabled')) return true
    // Pending: Twitch has not heard our answer to its challenge yet; the
    // table stays as it is and the next ask tries again.
    if (chat.some((subscription) => subscription.status.endsWith('_pending'))) return false
    await this.store.syncChannels(CHAT_MESSAGE_TYPE, [twitchUserId], chat, listedAt)
    return false
  }
}
