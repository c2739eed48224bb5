import type { SubscriptionRecord } from './eventsub_types.js'

/** A subscription as Helix lists it and as messages carry it (the secret never leaves). */
export interface WireSubscription {
  id: string
  status: SubscriptionRecord['status']
  type: string
  version: string
  condition: Record<string, string>
  created_at: string
  transport: { method: 'webhook'; callback: string } | { method: 'conduit'; conduit_id: string }
  cost: number
}

export function toWireSubscription(record: SubscriptionRecord): WireSubscription {
  return {
    id: record.id,
    status: record.status,
    type: record.type,
    version: record.version,
    condition: { ...record.condition },
    created_at: record.createdAt,
    transport:
      record.conduitId === null
        ? { method: 'webhook', callback: record.callback }
        : { method: 'conduit', conduit_id: record.conduitId },
    cost: record.cost,
  }
}
