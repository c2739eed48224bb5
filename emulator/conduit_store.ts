import { randomUUID } from 'node:crypto'
import { nanoTimestamp } from './rfc3339.js'

/** Twitch's limits: 5 conduits per client, 20,000 shards per conduit. */
export const MAX_CONDUITS = 5
export const MAX_SHARDS = 20_000

/** A shard's status as Get Conduit Shards shows it. */
export type ShardStatus =
  | 'enabled'
  | 'websocket_disconnected'
  | 'websocket_failed_ping_pong'
  | 'websocket_received_inbound_traffic'
  | 'websocket_connection_unused'
  | 'websocket_internal_error'
  | 'websocket_network_timeout'
  | 'websocket_network_error'
  | 'websocket_failed_to_reconnect'

export const SHARD_STATUSES: readonly ShardStatus[] = [
  'enabled',
  'websocket_disconnected',
  'websocket_failed_ping_pong',
  'websocket_received_inbound_traffic',
  'websocket_connection_unused',
  'websocket_internal_error',
  'websocket_network_timeout',
  'websocket_network_error',
  'websocket_failed_to_reconnect',
]

export interface ShardRecord {
  id: string
  status: ShardStatus
  /** The WebSocket session assigned to it; null for a shard never assigned. */
  sessionId: string | null
  connectedAt: string | null
  disconnectedAt: string | null
}

export interface ConduitRecord {
  id: string
  clientId: string
  shards: ShardRecord[]
  /** Where the next notification goes first (round robin over enabled shards). */
  nextShard: number
}

/** A shard never assigned is listed as disabled, like one whose transport went away. */
function newShard(index: number): ShardRecord {
  return {
    id: String(index),
    status: 'websocket_disconnected',
    sessionId: null,
    connectedAt: null,
    disconnectedAt: null,
  }
}

/** Conduits of every client, with their shards. */
export class ConduitStore {
  #conduits = new Map<string, ConduitRecord>()

  reset(): void {
    this.#conduits.clear()
  }

  forClient(clientId: string): ConduitRecord[] {
    return [...this.#conduits.values()].filter((conduit) => conduit.clientId === clientId)
  }

  all(): ConduitRecord[] {
    return [...this.#conduits.values()]
  }

  get(clientId: string, id: string): ConduitRecord | undefined {
    const conduit = this.#conduits.get(id)
    return conduit?.clientId === clientId ? conduit : undefined
  }

  create(clientId: string, shardCount: number): ConduitRecord {
    const conduit: ConduitRecord = { id: randomUUID(), clientId, shards: [], nextShard: 0 }
    this.resize(conduit, shardCount)
    this.#conduits.set(conduit.id, conduit)
    return conduit
  }

  /** Growing adds disabled shards; shrinking drops the highest ids. */
  resize(conduit: ConduitRecord, shardCount: number): void {
    conduit.shards.length = Math.min(conduit.shards.length, shardCount)
    for (let index = conduit.shards.length; index < shardCount; index++) {
      conduit.shards.push(newShard(index))
    }
  }

  remove(id: string): boolean {
    return this.#conduits.delete(id)
  }

  /** The shard holding this session, of any conduit. */
  shardOfSession(sessionId: string): { conduit: ConduitRecord; shard: ShardRecord } | undefined {
    for (const conduit of this.#conduits.values()) {
      const shard = conduit.shards.find((candidate) => candidate.sessionId === sessionId)
      if (shard) return { conduit, shard }
    }
    return undefined
  }

  /** Puts a session on a shard (taking it off any other shard: a session feeds one shard). */
  assign(shard: ShardRecord, sessionId: string, now: number): void {
    const previous = this.shardOfSession(sessionId)
    if (previous && previous.shard !== shard) {
      previous.shard.sessionId = null
      previous.shard.status = 'websocket_disconnected'
      previous.shard.disconnectedAt = nanoTimestamp(now)
    }
    shard.sessionId = sessionId
    shard.status = 'enabled'
    shard.connectedAt = nanoTimestamp(now)
    shard.disconnectedAt = null
  }

  /** The enabled shards of a conduit, starting at its round-robin position. */
  enabledShards(conduit: ConduitRecord): ShardRecord[] {
    const enabled = conduit.shards.filter((shard) => shard.status === 'enabled')
    if (enabled.length === 0) return []
    const start = conduit.nextShard % enabled.length
    conduit.nextShard = (conduit.nextShard + 1) % Number.MAX_SAFE_INTEGER
    return [...enabled.slice(start), ...enabled.slice(0, start)]
  }
}

export function toWireConduit(conduit: ConduitRecord) {
  return { id: conduit.id, shard_count: conduit.shards.length }
}

export function toWireShard(shard: ShardRecord) {
  return {
    id: shard.id,
    status: shard.status,
    transport: {
      method: 'websocket',
      session_id: shard.sessionId ?? '',
      connected_at: shard.connectedAt ?? undefined,
      disconnected_at: shard.disconnectedAt ?? undefined,
    },
  }
}
