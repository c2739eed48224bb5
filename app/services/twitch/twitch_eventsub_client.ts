import { inject } from '@adonisjs/core'
import twitchConfig from '#config/twitch'
import { TwitchAppToken } from '#services/twitch/twitch_app_token'
import { TwitchTransientError } from '#services/twitch/twitch_errors'
import { twitchRequest } from '#services/twitch/twitch_http'

/** A subscription as Twitch lists it. */
export interface TwitchEventSubSubscription {
  id: string
  status: string
  type: string
  version: string
  condition: Record<string, string>
  /** The webhook's callback; null for a conduit's subscription. */
  callback: string | null
  /** The conduit it delivers to; null for a webhook subscription. */
  conduitId: string | null
  createdAt: string
}

/** Where Twitch delivers a subscription's messages. */
export type SubscriptionTransport =
  { method: 'webhook'; callback: string; secret: string } | { method: 'conduit'; conduitId: string }

interface CreateSubscriptionInput {
  type: string
  version: string
  condition: Record<string, string>
  transport: SubscriptionTransport
}

interface RawSubscription {
  id: string
  status: string
  type: string
  version: string
  condition: Record<string, string>
  created_at: string
  transport?: { method?: string; callback?: string; conduit_id?: string }
}

interface ListBody {
  data?: RawSubscription[]
  pagination?: { cursor?: string }
}

/** Pages followed at most while listing (100 subscriptions a page on Twitch). */
const MAX_PAGES = 100

/**
 * Twitch's EventSub subscriptions endpoint (`{TWITCH_HELIX_URL}/eventsub/subscriptions`),
 * always with the app access token (renewed on a 401 by TwitchAppToken).
 * Twitch's refusals surface as typed errors: 409 the subscription exists,
 * 403 the broadcaster has not granted the scope.
 */
@inject()
export class TwitchEventSubClient {
  constructor(private appToken: TwitchAppToken) {}

  async create(input: CreateSubscriptionInput): Promise<TwitchEventSubSubscription> {
    const { body, status } = await this.appToken.run((token) =>
      twitchRequest<ListBody>({
        method: 'POST',
        url: this.#url(),
        headers: this.#headers(token),
        json: {
          type: input.type,
          version: input.version,
          condition: input.condition,
          transport:
            input.transport.method === 'webhook'
              ? input.transport
              : { method: 'conduit', conduit_id: input.transport.conduitId },
        },
        timeoutMs: twitchConfig.timeoutMs,
        action: `subscribe to ${input.type}`,
      })
    )
    const created = body?.data?.[0]
    if (!created) {
      throw new TwitchTransientError(
        `Twitch answered subscribe to ${input.type} without data`,
        status
      )
    }
    return toSubscription(created)
  }

  /**
   * Every subscription of the app, following the pages; Twitch takes at
   * most one filter (a user's, or a type's).
   */
  async list(
    filter: { userId?: string; type?: string } = {}
  ): Promise<TwitchEventSubSubscription[]> {
    const all: TwitchEventSubSubscription[] = []
    let after: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams()
      if (filter.userId) query.set('user_id', filter.userId)
      else if (filter.type) query.set('type', filter.type)
      if (after) query.set('after', after)
      const { body } = await this.appToken.run((token) =>
        twitchRequest<ListBody>({
          method: 'GET',
          url: `${this.#url()}${query.size ? `?${query}` : ''}`,
          headers: this.#headers(token),
          timeoutMs: twitchConfig.timeoutMs,
          action: 'list subscriptions',
        })
      )
      all.push(...(body?.data ?? []).map(toSubscription))
      after = body?.pagination?.cursor
      if (!after) break
    }
    return all
  }

  async delete(id: string): Promise<void> {
    await this.appToken.run((token) =>
      twitchRequest({
        method: 'DELETE',
        url: `${this.#url()}?${new URLSearchParams({ id })}`,
        headers: this.#headers(token),
        timeoutMs: twitchConfig.timeoutMs,
        action: 'delete subscription',
      })
    )
  }

  #url() {
    return `${twitchConfig.helixUrl}/eventsub/subscriptions`
  }

  #headers(token: string) {
    return { 'Authorization': `Bearer ${token}`, 'Client-Id': twitchConfig.clientId }
  }
}

function toSubscription(raw: RawSubscription): TwitchEventSubSubscription {
  return {
    id: raw.id,
    status: raw.status,
    type: raw.type,
    version: raw.version,
    condition: raw.condition ?? {},
    callback: raw.transport?.callback ?? null,
    conduitId: raw.transport?.conduit_id ?? null,
    createdAt: raw.created_at,
  }
}
