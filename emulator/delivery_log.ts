import type { DeliveryRecord, MessageType } from './eventsub_types.js'

/** Older entries are forgotten past this, so a long demo does not grow without bound. */
const KEPT = 2000

export interface DeliveryFilter {
  subscriptionId?: string
  messageType?: MessageType
  messageId?: string
  /** The last N matching entries. */
  limit?: number
}

/** Every message send (and every dropped message), oldest first. */
export class DeliveryLog {
  #entries: DeliveryRecord[] = []

  add(entry: DeliveryRecord): void {
    this.#entries.push(entry)
    if (this.#entries.length > KEPT) {
      this.#entries.splice(0, this.#entries.length - KEPT)
    }
  }

  list(filter: DeliveryFilter = {}): DeliveryRecord[] {
    const matching = this.#entries.filter(
      (entry) =>
        (filter.subscriptionId === undefined || entry.subscriptionId === filter.subscriptionId) &&
        (filter.messageType === undefined || entry.messageType === filter.messageType) &&
        (filter.messageId === undefined || entry.messageId === filter.messageId)
    )
    const limited = filter.limit === undefined ? matching : matching.slice(-filter.limit)
    return limited.map((entry) => ({ ...entry }))
  }

  clear(): void {
    this.#entries = []
  }
}
