import { inject } from '@adonisjs/core'
import twitchConfig from '#config/twitch'
import { TwitchAppToken } from '#services/twitch/twitch_app_token'
import { TwitchTransientError } from '#services/twitch/twitch_errors'
import { twitchRequest } from '#services/twitch/twitch_http'

interface TwitchConduit {
  id: string
  shardCount: number
}

interface TwitchShardError {
  id: string
  message: string
  code: string
}

interface ConduitsBody {
  data?: { id: string; shard_count: number }[]
}

interface ShardsBody {
  data?: { id: string; status: string }[]
  errors?: TwitchShardError[]
  pagination?: { cursor?: string }
}

/** Pages of Get Conduit Shards read at most when looking for one shard. */
const SHARD_PAGES = 5

/**
 * Twitch's Conduits API (`{TWITCH_HELIX_URL}/eventsub/conduits`), always
 * with the app access token: the conduits of our client, their shard
 * count, and which WebSocket session feeds a shard.
 */
@inject()
export class TwitchConduitClient {
  constructor(private appToken: TwitchAppToken) {}

  async list(): Promise<TwitchConduit[]> {
    const { body } = await this.#call<ConduitsBody>('GET', '', undefined, 'list conduits')
    return (body?.data ?? []).map(toConduit)
  }

  async create(shardCount: number): Promise<TwitchConduit> {
    const { body, status } = await this.#call<ConduitsBody>(
      'POST',
      '',
      { shard_count: shardCount },
      'create a conduit'
    )
    const created = body?.data?.[0]
    if (!created) throw new TwitchTransientError('Twitch created a conduit without data', status)
    return toConduit(created)
  }

  async resize(id: string, shardCount: number): Promise<TwitchConduit> {
    const { body, status } = await this.#call<ConduitsBody>(
      'PATCH',
      '',
      { id, shard_count: shardCount },
      'resize the conduit'
    )
    const updated = body?.data?.[0]
    if (!updated) throw new TwitchTransientError('Twitch resized a conduit without data', status)
    return toConduit(updated)
  }

  /**
   * Puts a WebSocket session on a shard. Twitch answers per shard: the
   * error of this one, or null when it took the session.
   */
  async assignSession(
    conduitId: string,
    shardId: string,
    sessionId: string
  ): Promise<TwitchShardError | null> {
    const { body } = await this.#call<ShardsBody>(
      'PATCH',
      '/shards',
      {
        conduit_id: conduitId,
        shards: [{ id: shardId, transport: { method: 'websocket', session_id: sessionId } }],
      },
      'assign a conduit shard'
    )
    const error = body?.errors?.find((candidate) => candidate.id === shardId)
    if (error) return error
    if (!body?.data?.some((shard) => shard.id === shardId)) {
      return { id: shardId, message: 'Twitch did not list the shard as updated', code: 'unknown' }
    }
    return null
  }

  /**
   * A shard's status as Twitch lists it (`enabled`, or why it is not), or
   * null when not listed. Get Conduit Shards, a few pages at most.
   */
  async shardStatus(conduitId: string, shardId: string): Promise<string | null> {
    let cursor: string | undefined
    for (let page = 0; page < SHARD_PAGES; page++) {
      const query = new URLSearchParams({ conduit_id: conduitId })
      if (cursor) query.set('after', cursor)
      const { body } = await this.#call<ShardsBody>(
        'GET',
        `/shards?${query}`,
        undefined,
        'read the conduit shards'
      )
      const shard = body?.data?.find((candidate) => candidate.id === shardId)
      if (shard) return shard.status
      cursor = body?.pagination?.cursor
      if (!cursor) return null
    }
    return null
  }

  async #call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, json: unknown, action: string) {
    return this.appToken.run((token) =>
      twitchRequest<T>({
        method,
        url: `${twitchConfig.helixUrl}/eventsub/conduits${path}`,
        headers: { 'Authorization': `Bearer ${token}`, 'Client-Id': twitchConfig.clientId },
        json,
        timeoutMs: twitchConfig.timeoutMs,
        action,
      })
    )
  }
}

function toConduit(raw: { id: string; shard_count: number }): TwitchConduit {
  return { id: raw.id, shardCount: raw.shard_count }
}
