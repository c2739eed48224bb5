/**
 * What a notification hands its handler: the event as Twitch sent it, and
 * which subscription and message it came with.
 */
export interface EventSubNotification<Event = unknown> {
  messageId: string
  subscriptionId: string
  type: string
  version: string
  condition: Record<string, string>
  event: Event
}

/**
 * Handles the notifications of one or more subscription types. Its effect
 * must be stored (PostgreSQL, Redis) when `handle` resolves: the webhook
 * answers Twitch right after, and a message is handled once. Throwing makes
 * the webhook answer 500, so Twitch delivers the message again.
 */
export interface EventSubHandler {
  handle(notification: EventSubNotification): Promise<void>
}

/** A subscription Chorus wants to exist on Twitch. */
export interface WantedSubscription {
  type: string
  version: string
  condition: Record<string, string>
}

/**
 * Says which subscriptions must exist: all of them (`wanted`), or those of
 * one streamer (`wantedFor`, when a grant should subscribe at once).
 */
export interface EventSubSubscriptionSource {
  /** The subscription types this source owns: anything of these types not wanted is deleted. */
  readonly types: readonly string[]
  wanted(): Promise<WantedSubscription[]>
  wantedFor(twitchUserId: string): Promise<WantedSubscription[]>
}

type Lazy<T> = () => Promise<T>

/**
 * The subscription types Chorus handles and the sources of the
 * subscriptions it wants. Each feature registers its own at boot
 * (providers/live_results_provider.ts): one handler per subscription type, and
 * a source owning those types. A container singleton.
 */
export class EventSubRegistry {
  #handlers = new Map<string, { version: string; resolve: Lazy<EventSubHandler> }>()
  #sources: Lazy<EventSubSubscriptionSource>[] = []

  /** `resolve` builds the handler (through the container) when a message arrives. */
  handle(type: string, version: string, resolve: Lazy<EventSubHandler>) {
    if (this.#handlers.has(type)) {
      throw new Error(`EventSub type ${type} already has a handler`)
    }
    this.#handlers.set(type, { version, resolve })
  }

  addSource(resolve: Lazy<EventSubSubscriptionSource>) {
    this.#sources.push(resolve)
  }

  /** The handler of a type and version, or null (a type Chorus no longer wants). */
  async handlerFor(type: string, version: string): Promise<EventSubHandler | null> {
    const entry = this.#handlers.get(type)
    if (!entry || entry.version !== version) return null
    return entry.resolve()
  }

  async sources(): Promise<EventSubSubscriptionSource[]> {
    return Promise.all(this.#sources.map((resolve) => resolve()))
  }
}
