import { ConduitDelivery } from './conduit_delivery.js'
import { ConduitStore, MAX_CONDUITS, MAX_SHARDS, toWireShard } from './conduit_store.js'
import type { ConduitRecord, ShardRecord, ShardStatus } from './conduit_store.js'
import { DeliveryFaults } from './delivery_faults.js'
import { DeliveryLog } from './delivery_log.js'
import type { DeliveryFilter } from './delivery_log.js'
import { conditionUserIds, costOf } from './eventsub_catalog.js'
import { EventSubDispatcher } from './eventsub_dispatcher.js'
import type { DeliverySettings } from './eventsub_dispatcher.js'
import type { SubscriptionDraft } from './eventsub_request.js'
import type { DeliveryRecord, SubscriptionRecord, SubscriptionStatus } from './eventsub_types.js'
import { EventSubSockets } from './eventsub_websocket.js'
import { nanoTimestamp } from './rfc3339.js'
import type { DeliveryStatKey } from './stats_recorder.js'
import { SubscriptionStore } from './subscription_store.js'

/** Twitch's budget per client; our subscriptions cost 0 or 1, so it is hard to reach. */
export const MAX_TOTAL_COST = 10_000

/** Twitch refuses a fourth subscription with the same type and condition. */
const MAX_IDENTICAL = 3

export interface BrokerDeps {
  now: () => number
  settings: () => DeliverySettings
  count: (key: DeliveryStatKey) => void
  userExists: (userId: string) => boolean
  hasGranted: (clientId: string, userId: string, scopes: readonly string[]) => boolean
  /** How long a WebSocket session may stay on no shard before it is closed (4003). */
  unusedSessionMs: () => number
}

/** One shard of an Update Conduit Shards request, read from its body. */
export interface ShardUpdate {
  id: string
  sessionId: string
}

export type ConduitOutcome<T> =
  { ok: true; value: T } | { ok: false; status: number; message: string }

export type CreateOutcome =
  { ok: true; subscription: SubscriptionRecord } | { ok: false; status: number; message: string }

function sameCondition(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * EventSub as the emulator runs it: the subscriptions, the rules for creating
 * one, and publishing events to the enabled ones through the dispatcher.
 */
export class EventSubBroker {
  readonly subscriptions = new SubscriptionStore()
  readonly faults = new DeliveryFaults()
  readonly log = new DeliveryLog()
  readonly conduits = new ConduitStore()
  readonly sockets: EventSubSockets
  #deps: BrokerDeps
  #dispatcher: EventSubDispatcher
  #conduitDelivery: ConduitDelivery

  constructor(deps: BrokerDeps) {
    this.#deps = deps
    this.#dispatcher = new EventSubDispatcher({
      now: deps.now,
      settings: deps.settings,
      faults: this.faults,
      log: this.log,
      count: deps.count,
      isStored: (subscription) => this.subscriptions.holds(subscription),
      onFailuresExceeded: (subscription) =>
        this.revoke(subscription, 'notification_failures_exceeded'),
    })
    this.sockets = new EventSubSockets({
      now: deps.now,
      unusedCloseMs: deps.unusedSessionMs,
      isUsed: (sessionId) => this.conduits.shardOfSession(sessionId) !== undefined,
      onSessionEnded: (sessionId, status) => {
        const held = this.conduits.shardOfSession(sessionId)
        if (held) this.#disableShard(held.conduit, held.shard, status)
      },
    })
    this.#conduitDelivery = new ConduitDelivery({
      conduits: this.conduits,
      sockets: this.sockets,
      faults: this.faults,
      log: this.log,
      count: deps.count,
      isStored: (subscription) => this.subscriptions.holds(subscription),
      disableShard: (conduit, shard) =>
        this.#disableShard(conduit, shard, 'websocket_disconnected'),
    })
  }

  /** Twitch's checks in order, then a pending subscription and its challenge. */
  create(clientId: string, draft: SubscriptionDraft): CreateOutcome {
    const { spec, condition, callback, secret, conduitId } = draft
    const unknown = conditionUserIds(condition).find((userId) => !this.#deps.userExists(userId))
    if (unknown !== undefined) {
      return { ok: false, status: 400, message: `The condition names an unknown user: ${unknown}` }
    }
    if (condition.client_id !== undefined && condition.client_id !== clientId) {
      return {
        ok: false,
        status: 400,
        message: 'The condition client_id must be the client ID of the access token',
      }
    }
    const conduitNamed = condition.conduit_id ?? conduitId
    if (conduitNamed !== undefined && conduitNamed !== null) {
      if (!this.conduits.get(clientId, conduitNamed)) {
        return { ok: false, status: 400, message: 'The conduit does not exist or is not yours' }
      }
    }
    const authorized = spec
      .needs(condition)
      .every((need) =>
        need.anyOf.some((scopes) => this.#deps.hasGranted(clientId, need.userId, scopes))
      )
    if (!authorized) {
      return { ok: false, status: 403, message: 'subscription missing proper authorization' }
    }
    const identical = this.subscriptions
      .forClient(clientId)
      .filter(
        (record) =>
          record.type === spec.type &&
          record.version === spec.version &&
          sameCondition(record.condition, condition)
      )
    if (
      identical.some((record) => record.callback === callback && record.conduitId === conduitId)
    ) {
      return { ok: false, status: 409, message: 'subscription already exists' }
    }
    if (identical.length >= MAX_IDENTICAL) {
      return {
        ok: false,
        status: 429,
        message: `at most ${MAX_IDENTICAL} subscriptions may share a type and condition`,
      }
    }
    const cost = costOf(spec, condition)
    if (this.subscriptions.totalCost(clientId) + cost > MAX_TOTAL_COST) {
      return { ok: false, status: 429, message: 'maximum total cost exceeded' }
    }
    const subscription = this.subscriptions.add({
      clientId,
      type: spec.type,
      version: spec.version,
      condition,
      callback,
      secret,
      conduitId,
      // A conduit's shards were verified when assigned: no challenge.
      status: conduitId === null ? 'webhook_callback_verification_pending' : 'enabled',
      createdAt: nanoTimestamp(this.#deps.now()),
      cost,
    })
    if (conduitId === null) this.#dispatcher.verify(subscription)
    return { ok: true, subscription }
  }

  delete(clientId: string, id: string): boolean {
    const record = this.subscriptions.get(id)
    if (!record || record.clientId !== clientId) {
      return false
    }
    return this.subscriptions.remove(id)
  }

  /**
   * Sends `event` to every enabled subscription of `type` whose condition
   * passes `matches`; a subscription still waiting for its challenge gets
   * nothing. Answers how many messages were queued.
   */
  publish(
    type: string,
    matches: (condition: Record<string, string>) => boolean,
    event: unknown
  ): number {
    const targets = this.subscriptions.enabled(type, matches)
    targets.forEach((subscription) =>
      subscription.conduitId === null
        ? this.#dispatcher.notify(subscription, event)
        : this.#conduitDelivery.notify(subscription, event)
    )
    return targets.length
  }

  /**
   * Ends a subscription with `status` and tells its callback (a revocation
   * message), unless `notify` is false: Twitch's message is best effort, and
   * a callback that stopped answering may never hear it.
   */
  revoke(subscription: SubscriptionRecord, status: SubscriptionStatus, notify = true): void {
    subscription.status = status
    if (!notify) return
    if (subscription.conduitId === null) this.#dispatcher.revoke(subscription)
    else this.#conduitDelivery.revoke(subscription)
  }

  /** Subscriptions that rest on this user's authorization of this client. */
  restingOn(clientId: string, userId: string): SubscriptionRecord[] {
    return this.subscriptions
      .forClient(clientId)
      .filter((record) => conditionUserIds(record.condition).includes(userId))
  }

  deliveries(filter: DeliveryFilter = {}): DeliveryRecord[] {
    return this.log.list(filter)
  }

  /** Resolves once every message (verifications, redeliveries, revocations) is settled. */
  async idle(): Promise<void> {
    await Promise.all([this.#dispatcher.idle(), this.#conduitDelivery.idle()])
  }

  get pendingDeliveries(): number {
    return this.#dispatcher.pendingCount + this.#conduitDelivery.pendingCount
  }

  // ---- Conduits (docs: "Conduits" API reference) ----

  createConduit(clientId: string, shardCount: number): ConduitOutcome<ConduitRecord> {
    const invalid = checkShardCount(shardCount)
    if (invalid) return invalid
    if (this.conduits.forClient(clientId).length >= MAX_CONDUITS) {
      return {
        ok: false,
        status: 429,
        message: `a client may have at most ${MAX_CONDUITS} conduits`,
      }
    }
    return { ok: true, value: this.conduits.create(clientId, shardCount) }
  }

  updateConduit(clientId: string, id: string, shardCount: number): ConduitOutcome<ConduitRecord> {
    const invalid = checkShardCount(shardCount)
    if (invalid) return invalid
    const conduit = this.conduits.get(clientId, id)
    if (!conduit) return { ok: false, status: 404, message: 'conduit not found' }
    this.conduits.resize(conduit, shardCount)
    return { ok: true, value: conduit }
  }

  /** Deleting a conduit deletes its subscriptions. */
  deleteConduit(clientId: string, id: string): boolean {
    if (!this.conduits.get(clientId, id)) return false
    for (const record of this.subscriptions.forClient(clientId)) {
      if (record.conduitId === id) this.subscriptions.remove(record.id)
    }
    return this.conduits.remove(id)
  }

  /**
   * Update Conduit Shards: each shard gets its WebSocket session, or an
   * error of its own (partial success is normal).
   */
  updateShards(
    clientId: string,
    conduitId: string,
    updates: ShardUpdate[]
  ): ConduitOutcome<{
    updated: ShardRecord[]
    errors: { id: string; message: string; code: string }[]
  }> {
    const conduit = this.conduits.get(clientId, conduitId)
    if (!conduit) return { ok: false, status: 404, message: 'conduit not found' }
    const updated: ShardRecord[] = []
    const errors: { id: string; message: string; code: string }[] = []
    for (const update of updates) {
      const shard = conduit.shards.find((candidate) => candidate.id === update.id)
      if (!shard) {
        errors.push({ id: update.id, message: 'shard id out of range', code: 'invalid_parameter' })
      } else if (!this.sockets.has(update.sessionId)) {
        errors.push({
          id: update.id,
          message: 'websocket session not found or not connected',
          code: 'websocket_session_not_found',
        })
      } else {
        this.conduits.assign(shard, update.sessionId, this.#deps.now())
        updated.push(shard)
      }
    }
    return { ok: true, value: { updated, errors } }
  }

  /** A shard stops receiving; `conduit.shard.disabled` tells the conduit's owner. */
  disableShard(conduit: ConduitRecord, shard: ShardRecord, status: ShardStatus): void {
    this.#disableShard(conduit, shard, status)
  }

  #disableShard(conduit: ConduitRecord, shard: ShardRecord, status: ShardStatus) {
    if (shard.status !== 'enabled') return
    shard.status = status
    shard.disconnectedAt = nanoTimestamp(this.#deps.now())
    this.publish(
      'conduit.shard.disabled',
      (condition) =>
        condition.client_id === conduit.clientId &&
        (condition.conduit_id === undefined || condition.conduit_id === conduit.id),
      {
        conduit_id: conduit.id,
        shard_id: shard.id,
        status,
        transport: toWireShard(shard).transport,
      }
    )
  }

  /** Forgets everything; pending sends are abandoned. */
  reset(): void {
    this.#dispatcher.cancelAll()
    this.#conduitDelivery.cancelAll()
    this.sockets.closeAll()
    this.conduits.reset()
    this.subscriptions.reset()
    this.faults.clear()
    this.log.clear()
  }

  /** Abandons pending sends (the emulator is closing). */
  shutdown(): void {
    this.#dispatcher.cancelAll()
    this.#conduitDelivery.cancelAll()
    this.sockets.closeAll()
  }
}

function checkShardCount(
  shardCount: number
): { ok: false; status: number; message: string } | null {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARDS) {
    return {
      ok: false,
      status: 400,
      message: `shard_count must be an integer from 1 to ${MAX_SHARDS}`,
    }
  }
  return null
}
