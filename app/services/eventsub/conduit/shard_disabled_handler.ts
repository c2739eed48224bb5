import { inject } from '@adonisjs/core'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { ShardKeeper } from '#services/eventsub/conduit/shard_keeper'
import type { ShardDisabledShape } from '#validators/eventsub'

export const SHARD_DISABLED_TYPE = 'conduit.shard.disabled'

/**
 * `conduit.shard.disabled`: Twitch stopped delivering to a shard. It reaches
 * one live shard's instance; the keeper puts the shard back when it is its
 * own (a dead instance's shard is taken over at the next heartbeat).
 */
@inject()
export class ShardDisabledHandler implements EventSubHandler {
  constructor(private keeper: ShardKeeper) {}

  async handle(notification: EventSubNotification) {
    // Checked against `shardDisabledShape` by the receiver.
    const event = notification.event as ShardDisabledShape
    await this.keeper.shardDisabled(event.shard_id, event.status)
  }
}
