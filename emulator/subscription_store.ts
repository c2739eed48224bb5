import { randomUUID } from 'node:crypto'
import type { SubscriptionRecord } from './eventsub_types.js'

export type NewSubscription = Omit<SubscriptionRecord, 'id' | 'sequence'>

/** Statuses that count toward a client's total cost, as on Twitch. */
const COSTLY = new Set(['enabled', 'webhook_callback_verification_pending'])

/**
 * Every EventSub subscription, of every client, in creation order. Revoked and
 * failed subscriptions stay listed (with their status) until deleted or reset:
 * that is what a periodic listing notices.
 */
export class SubscriptionStore {
  #subscriptions = new Map<string, SubscriptionRecord>()
  #sequence = 0

  reset(): void {
    this.#subscriptions.clear()
    this.#sequence = 0
  }

  add(input: NewSubscription): SubscriptionRecord {
    const record: SubscriptionRecord = { ...input, id: randomUUID(), sequence: ++this.#sequence }
    this.#subscriptions.set(record.id, record)
    return record
  }

  get(id: string): SubscriptionRecord | undefined {
    return this.#subscriptions.get(id)
  }

  /** True while the record is still the stored one (not deleted, not reset away). */
  holds(record: SubscriptionRecord): boolean {
    return this.#subscriptions.get(record.id) === record
  }

  remove(id: string): boolean {
    return this.#subscriptions.delete(id)
  }

  all(): SubscriptionRecord[] {
    return [...this.#subscriptions.values()].sort((a, b) => a.sequence - b.sequence)
  }

  forClient(clientId: string): SubscriptionRecord[] {
    return this.all().filter((record) => record.clientId === clientId)
  }

  /** Enabled subscriptions of a type whose condition passes `matches`. */
  enabled(
    type: string,
    matches: (condition: Record<string, string>) => boolean
  ): SubscriptionRecord[] {
    return this.all().filter(
      (record) => record.type === type && record.status === 'enabled' && matches(record.condition)
    )
  }

  totalCost(clientId: string): number {
    return this.forClient(clientId)
      .filter((record) => COSTLY.has(record.status))
      .reduce((sum, record) => sum + record.cost, 0)
  }
}
