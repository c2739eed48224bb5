import { inject } from '@adonisjs/core'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { ShardKeeper } from '#services/eventsub/conduit/shard_keeper'

export const SHARD_DISABLED_TYPE = 'conduit.shard.disabled'

/** The part of a `conduit.shard.disabled` event the keeper needs. */
interface ShardDisabledEvent {
  shard_id?: unknown
  status?: unknown
}

/**
 * `conduit.shard.disabled`: Twitch stopped delivering to a shard. It reaches
 * one live shard's instance; the keeper puts the shard back when it is its
 * own (a dead instance's shard is taken over at the next heartbeat).
 */
@inject()
export class ShardDisabledHandler implements EventSubHandler {
  constructor(private keeper: ShardKeeper) {}

  async handle(notification: EventSubNotification) {
    const event = (notification.event ?? {}) as ShardDisabledEvent
    if (typeof event.shard_id !== 'string') return
    await this.keeper.shardDisabled(event.shard_id, String(event.status ?? 'unknown'))
  }
}
