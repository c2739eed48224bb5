import { DeliveryFaults } from './delivery_faults.js'
import { DeliveryLog } from './delivery_log.js'
import type { DeliveryFilter } from './delivery_log.js'
import { conditionUserIds, costOf } from './eventsub_catalog.js'
import { EventSubDispatcher } from './eventsub_dispatcher.js'
import type { DeliverySettings } from './eventsub_dispatcher.js'
import type { SubscriptionDraft } from './eventsub_request.js'
import type { DeliveryRecord, SubscriptionRecord, SubscriptionStatus } from './eventsub_types.js'
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
}

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
  #deps: BrokerDeps
  #dispatcher: EventSubDispatcher

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
  }

  /** Twitch's checks in order, then a pending subscription and its challenge. */
  create(clientId: string, draft: SubscriptionDraft): CreateOutcome {
    const { spec, condition, callback, secret } = draft
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
    if (identical.some((record) => record.callback === callback)) {
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
      status: 'webhook_callback_verification_pending',
      createdAt: nanoTimestamp(this.#deps.now()),
      cost,
    })
    this.#dispatcher.verify(subscription)
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
    targets.forEach((subscription) => this.#dispatcher.notify(subscription, event))
    return targets.length
  }

  /**
   * Ends a subscription with `status` and tells its callback (a revocation
   * message), unless `notify` is false: Twitch's message is best effort, and
   * a callback that stopped answering may never hear it.
   */
  revoke(subscription: SubscriptionRecord, status: SubscriptionStatus, notify = true): void {
    subscription.status = status
    if (notify) this.#dispatcher.revoke(subscription)
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
  idle(): Promise<void> {
    return this.#dispatcher.idle()
  }

  get pendingDeliveries(): number {
    return this.#dispatcher.pendingCount
  }

  /** Forgets everything; pending sends are abandoned. */
  reset(): void {
    this.#dispatcher.cancelAll()
    this.subscriptions.reset()
    this.faults.clear()
    this.log.clear()
  }

  /** Abandons pending sends (the emulator is closing). */
  shutdown(): void {
    this.#dispatcher.cancelAll()
  }
}
