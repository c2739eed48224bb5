import { randomUUID } from 'node:crypto'
import type { ConduitRecord, ConduitStore, ShardRecord } from './conduit_store.js'
import type { DeliveryFaults } from './delivery_faults.js'
import type { DeliveryLog } from './delivery_log.js'
import { toWireSubscription } from './eventsub_serializers.js'
import type { MessageType, SubscriptionRecord } from './eventsub_types.js'
import type { EventSubSockets } from './eventsub_websocket.js'
import { Sleeper } from './sleeper.js'
import type { DeliveryStatKey } from './stats_recorder.js'

export interface ConduitDeliveryDeps {
  conduits: ConduitStore
  sockets: EventSubSockets
  faults: DeliveryFaults
  log: DeliveryLog
  count: (key: DeliveryStatKey) => void
  /** False once the subscription was deleted or the emulator reset. */
  isStored: (subscription: SubscriptionRecord) => boolean
  /** A shard's session could not take a message: the shard is disabled. */
  disableShard: (conduit: ConduitRecord, shard: ShardRecord) => void
}

/**
 * Delivers a conduit's messages to its shards, as Twitch does: to one
 * enabled shard (round robin), and when that shard cannot take it (its
 * session is gone), the shard is disabled and the message goes to one other
 * enabled shard. There is no answer on a WebSocket: a frame written is
 * delivered. The duplicate fault sends a second copy, same message id, to
 * another shard (a redelivery elsewhere).
 */
export class ConduitDelivery {
  #deps: ConduitDeliveryDeps
  #tasks = new Set<Promise<void>>()
  #sleeper = new Sleeper()
  #generation = 0

  constructor(deps: ConduitDeliveryDeps) {
    this.#deps = deps
  }

  notify(subscription: SubscriptionRecord, event: unknown): void {
    const messageId = randomUUID()
    if (this.#deps.faults.takeDrop()) {
      this.#deps.count('dropped')
      this.#record(subscription, messageId, 'notification', null, 'dropped', false)
      return
    }
    const duplicate = this.#deps.faults.takeDuplicate()
    this.#track(async (generation) => {
      await this.#sleeper.sleep(this.#deps.faults.delayMs)
      if (generation !== this.#generation) return
      const payload = { subscription: toWireSubscription(subscription), event }
      const reached = await this.#deliver(subscription, 'notification', payload, messageId)
      if (duplicate && reached) {
        await this.#deliver(subscription, 'notification', payload, messageId, reached, true)
      }
    })
  }

  /** The revocation frame, once (best effort, as on Twitch). */
  revoke(subscription: SubscriptionRecord): void {
    this.#track(async (generation) => {
      if (generation !== this.#generation) return
      const payload = { subscription: toWireSubscription(subscription) }
      await this.#deliver(subscription, 'revocation', payload, randomUUID())
    })
  }

  async idle(): Promise<void> {
    while (this.#tasks.size > 0) {
      await Promise.allSettled([...this.#tasks])
    }
  }

  get pendingCount(): number {
    return this.#tasks.size
  }

  cancelAll(): void {
    this.#generation++
    this.#sleeper.wakeAll()
  }

  /**
   * To the first enabled shard that takes it, at most two tries (the
   * chosen shard, then one other). Answers the shard that got it, or null.
   */
  async #deliver(
    subscription: SubscriptionRecord,
    messageType: MessageType,
    payload: unknown,
    messageId: string,
    avoid: ShardRecord | null = null,
    duplicate = false
  ): Promise<ShardRecord | null> {
    const conduit = this.#deps.conduits.all().find(({ id }) => id === subscription.conduitId)
    if (!conduit || !this.#deps.isStored(subscription)) return null
    const shards = this.#deps.conduits.enabledShards(conduit)
    const ordered = avoid ? [...shards.filter((shard) => shard !== avoid), avoid] : shards
    for (const [attempt, shard] of ordered.slice(0, 2).entries()) {
      const frame = this.#deps.sockets.frame(messageType, payload, subscription, messageId)
      this.#deps.count(messageType === 'revocation' ? 'revocation' : 'notification')
      if (attempt > 0) this.#deps.count('redelivered')
      if (duplicate) this.#deps.count('duplicated')
      const sent =
        shard.sessionId !== null && (await this.#deps.sockets.send(shard.sessionId, frame))
      this.#record(
        subscription,
        messageId,
        messageType,
        `conduit ${conduit.id} shard ${shard.id}`,
        sent ? 'ok' : 'unreachable',
        duplicate,
        attempt
      )
      if (sent) return shard
      this.#deps.count('failed')
      if (shard.status === 'enabled') this.#deps.disableShard(conduit, shard)
    }
    if (ordered.length === 0) {
      this.#deps.count('failed')
      this.#record(
        subscription,
        messageId,
        messageType,
        `conduit ${conduit.id}`,
        'unreachable',
        duplicate
      )
    }
    return null
  }

  #record(
    subscription: SubscriptionRecord,
    messageId: string,
    messageType: MessageType,
    target: string | null,
    outcome: 'ok' | 'unreachable' | 'dropped',
    duplicate: boolean,
    retry = 0
  ) {
    this.#deps.log.add({
      messageId,
      messageType,
      subscriptionId: subscription.id,
      subscriptionType: subscription.type,
      callback: target ?? `conduit ${subscription.conduitId}`,
      retry,
      timestamp: null,
      outcome,
      status: null,
      duplicate,
      durationMs: 0,
      error: outcome === 'unreachable' ? 'no enabled shard took the message' : null,
    })
  }

  #track(work: (generation: number) => Promise<void>): void {
    const task = work(this.#generation)
      .catch((error: unknown) => {
        console.error('[twitch-emulator] conduit delivery failed', error)
      })
      .finally(() => this.#tasks.delete(task))
    this.#tasks.add(task)
  }
}
