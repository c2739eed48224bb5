import type { VineValidator } from '@vinejs/vine'
import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'

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
 * answers Twitch right after, and a message is handled once. The event it
 * gets already fits the shape registered with it. Throwing makes the
 * webhook answer 503 (Twitch delivers the message again), except for a
 * database refusal of the data itself, which is logged and acknowledged.
 * Running it twice for one message must change nothing (a copy whose twin
 * is stuck in flight elsewhere is handled again rather than refused).
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

type EventShape = VineValidator<any, any>

/** A subscription as a message or a listing names it: what `wants` compares. */
export interface SubscriptionIdentity {
  type: string
  version: string
  condition: Record<string, string>
}

/** A subscription as a verification or revocation reports it. */
interface SubscriptionChange extends SubscriptionIdentity {
  id: string
  status: string
}

/**
 * A feature that must hear at once when Twitch verifies or revokes one of
 * its subscriptions (chat voting shows the GM a channel whose votes stopped
 * arriving). Called in the background: it must not throw.
 */
export interface SubscriptionListener {
  changed(subscription: SubscriptionChange): void
}

/** One subscription's identity as text: type, version and every condition field. */
export function subscriptionKey(subscription: SubscriptionIdentity) {
  const condition = Object.keys(subscription.condition)
    .sort()
    .map((name) => `${name}=${subscription.condition[name]}`)
    .join('&')
  return `${subscription.type}@${subscription.version}?${condition}`
}

/** The channel (or user) a condition is about; null for app-wide ones. */
export function broadcasterOf(condition: Record<string, string>): string | null {
  return condition.broadcaster_user_id ?? condition.user_id ?? null
}

/**
 * The subscription types Chorus handles and the sources of the
 * subscriptions it wants. Each feature registers its own at boot
 * (providers/live_results_provider.ts): one handler per subscription type, and
 * a source owning those types. A container singleton.
 */
export class EventSubRegistry {
  #handlers = new Map<
    string,
    { version: string; shape: EventShape; resolve: Lazy<EventSubHandler> }
  >()
  #sources: Lazy<EventSubSubscriptionSource>[] = []
  #listeners = new Map<string, Lazy<SubscriptionListener>[]>()

  /**
   * `shape` is the event's Vine validator (app/validators/eventsub.ts);
   * `resolve` builds the handler (through the container) when a message arrives.
   */
  handle(type: string, version: string, shape: EventShape, resolve: Lazy<EventSubHandler>) {
    if (this.#handlers.has(type)) {
      throw new Error(`EventSub type ${type} already has a handler`)
    }
    this.#handlers.set(type, { version, shape, resolve })
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

  /** The event's validator for a type and version, or null (no handler). */
  shapeOf(type: string, version: string): EventShape | null {
    const entry = this.#handlers.get(type)
    return entry && entry.version === version ? entry.shape : null
  }

  /** `resolve` builds the listener when a subscription of `type` is verified or revoked. */
  listen(type: string, resolve: Lazy<SubscriptionListener>) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), resolve])
  }

  /** Tells the listeners of its type, in the background. */
  changed(subscription: SubscriptionChange) {
    for (const resolve of this.#listeners.get(subscription.type) ?? []) {
      resolve()
        .then((listener) => listener.changed(subscription))
        .catch((error: unknown) => {
          logger.warn(
            { type: subscription.type, error: errorMessage(error) },
            '[EventSub] a subscription listener failed'
          )
        })
    }
  }

  async sources(): Promise<EventSubSubscriptionSource[]> {
    return Promise.all(this.#sources.map((resolve) => resolve()))
  }

  /**
   * Whether Chorus subscribes to exactly this (type, version, condition)
   * now: what a verification challenge must name to be answered.
   */
  async wants(subscription: SubscriptionIdentity): Promise<boolean> {
    const sources = await this.sources()
    const owners = sources.filter((source) => source.types.includes(subscription.type))
    const channel = broadcasterOf(subscription.condition)
    const key = subscriptionKey(subscription)
    for (const source of owners) {
      const wanted = channel === null ? await source.wanted() : await source.wantedFor(channel)
      if (wanted.some((want) => subscriptionKey(want) === key)) return true
    }
    return false
  }
}
