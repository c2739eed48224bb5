import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { Clock } from '#services/clock'
import { errorMessage } from '#services/error_message'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { EventSubRegistry } from '#services/eventsub/eventsub_registry'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { RECREATABLE_STATUSES } from '#services/eventsub/subscription_statuses'
import {
  hasValidSignature,
  messageTime,
  type EventSubEnvelope,
  type EventSubMessage,
} from '#services/eventsub/eventsub_message'
import { challengeShape, subscriptionShape, type SubscriptionShape } from '#validators/eventsub'

/**
 * What became of one message, in the domain's words; the transport decides
 * what to answer (the webhook controller maps it to an HTTP status).
 */
export type EventSubOutcome =
  /** Twitch events are off on this server. */
  | { kind: 'off' }
  /** Missing headers or a wrong signature: nothing happened. */
  | { kind: 'unsigned' }
  /** Signed, but stamped more than 10 minutes away from now (a replay): ignored. */
  | { kind: 'out_of_time'; reason: string }
  /** A verification for a subscription Chorus asked for: echo the challenge. */
  | { kind: 'challenge'; challenge: string }
  /** A verification for a subscription Chorus does not want: not confirmed. */
  | { kind: 'refused'; reason: string }
  /** Its effect is stored. */
  | { kind: 'handled' }
  /** Handled before (a redelivery, a duplicate, a replay): nothing changed. */
  | { kind: 'already_handled' }
  /** Usable, but nothing to do (a type Chorus no longer handles). */
  | { kind: 'ignored'; reason: string }
  /** Signed but unusable (shape, range, NUL): logged once, acknowledged. */
  | { kind: 'unusable'; reason: string }
  /** Storing its effect failed for now: Twitch should deliver it again. */
  | { kind: 'retry_later'; reason: string }

/** Message ids are UUIDs on Twitch; anything long or with control characters is not one. */
const MESSAGE_ID = /^[^\p{Cc}]{1,128}$/u

/**
 * Twitch's messages, whatever brought them (docs/eventsub.md). A webhook
 * delivery is checked first (`receiveWebhook`: signature over the raw body,
 * then the time stamp within 10 minutes either way); every verified message
 * — webhook or WebSocket frame — then goes through `handle`, which checks
 * its shape and runs it once per message id across instances.
 */
@inject()
export class EventSubReceiver {
  constructor(
    private clock: Clock,
    private settings: EventSubSettings,
    private registry: EventSubRegistry,
    private handled: HandledMessages,
    private subscriptions: SubscriptionStore,
    private reconciler: SubscriptionReconciler
  ) {}

  /** A webhook delivery: its headers (null when one is missing) and raw body. */
  async receiveWebhook(
    envelope: EventSubEnvelope | null,
    rawBody: Buffer
  ): Promise<EventSubOutcome> {
    // The webhook takes messages only on the webhook transport, with a
    // secret to check them against (over a conduit nothing is signed).
    if (!this.settings.webhookEnabled) return { kind: 'off' }
    if (!envelope || !hasValidSignature(this.settings.secret, envelope, rawBody)) {
      return { kind: 'unsigned' }
    }
    const sentAt = messageTime(envelope.timestamp)
    if (sentAt === null) return unusable(envelope.id, 'unreadable message timestamp')
    const lead = sentAt - this.clock.now().toMillis()
    if (-lead > this.settings.maxMessageAgeMs || lead > this.settings.maxMessageLeadMs) {
      const reason =
        lead < 0 ? 'message older than 10 minutes' : 'message stamped more than 10 minutes ahead'
      // Signed, but not of now (a replay): answered so it is not sent again.
      logger.warn({ messageId: envelope.id }, `[EventSub] ignored a ${reason}`)
      return { kind: 'out_of_time', reason }
    }
    return this.handle({ id: envelope.id, type: envelope.type, body: parseJson(rawBody) })
  }

  /**
   * One verified message, whatever its transport: a verification is
   * answered if Chorus asked for it; a notification or revocation is run
   * once per message id across instances, after its shape is checked.
   */
  async handle(message: EventSubMessage): Promise<EventSubOutcome> {
    if (typeof message.id !== 'string' || !MESSAGE_ID.test(message.id)) {
      return unusable(null, 'unreadable message id')
    }
    if (containsNul(message.body)) {
      // Nothing Chorus stores may hold one (PostgreSQL refuses it in text).
      return message.type === 'webhook_callback_verification'
        ? unusable(message.id, 'a NUL character in the message')
        : this.#once(message.id, async () => unusable(message.id, 'a NUL character in the message'))
    }
    if (message.type === 'webhook_callback_verification') return this.#verify(message)
    if (message.type !== 'notification' && message.type !== 'revocation') {
      return unusable(message.id, `unknown message type ${String(message.type).slice(0, 64)}`)
    }

    return this.#once(message.id, () => this.#dispatch(message))
  }

  /** Runs `work` for this message id once across instances (see HandledMessages). */
  async #once(messageId: string, work: () => Promise<EventSubOutcome>): Promise<EventSubOutcome> {
    const claim = await this.handled.claim(messageId)
    if (claim === 'handled') return { kind: 'already_handled' }
    // A twin still in flight elsewhere after the wait: handled here too
    // (handlers change nothing the second time), so the effect is stored
    // before this answer whatever became of the twin.
    const claimed = claim === 'claimed'
    let outcome: EventSubOutcome
    try {
      outcome = await work()
    } catch (error) {
      if (isDataRefusal(error)) {
        outcome = unusable(messageId, `the database refused its data: ${errorMessage(error)}`)
      } else {
        if (claimed) await this.handled.release(messageId).catch(() => {})
        logger.error(
          { messageId, error: errorMessage(error) },
          '[EventSub] handling a message failed; Twitch will deliver it again'
        )
        return { kind: 'retry_later', reason: 'could not store its effect now' }
      }
    }
    // The effect is stored: the answer need not wait for this mark (a twin
    // arriving meanwhile waits for it; if it never lands, the claim expires
    // and a later copy would change nothing).
    this.handled.done(messageId).catch((error: unknown) => {
      logger.warn(
        { messageId, error: errorMessage(error) },
        '[EventSub] could not mark a message as handled'
      )
    })
    return outcome
  }

  async #dispatch(message: EventSubMessage): Promise<EventSubOutcome> {
    const [invalid, envelope] = await subscriptionShape.tryValidate(message.body)
    if (invalid) return unusable(message.id, `unexpected subscription: ${describe(invalid)}`)
    const subscription = envelope.subscription
    if (message.type === 'revocation') return this.#revoked(subscription)

    const shape = this.registry.shapeOf(subscription.type, subscription.version)
    const handler = await this.registry.handlerFor(subscription.type, subscription.version)
    if (!shape || !handler) {
      return { kind: 'ignored', reason: `Chorus does not handle ${subscription.type}` }
    }
    const event = (message.body as { event?: unknown }).event
    const [wrongEvent, valid] = await shape.tryValidate(event)
    if (wrongEvent) {
      return unusable(message.id, `unexpected ${subscription.type} event: ${describe(wrongEvent)}`)
    }
    await handler.handle({
      messageId: message.id,
      subscriptionId: subscription.id,
      type: subscription.type,
      version: subscription.version,
      condition: subscription.condition,
      event: valid,
    })
    logger.debug({ type: subscription.type }, `[EventSub] handled notification ${message.id}`)
    return { kind: 'handled' }
  }

  /**
   * Answered only for a subscription Chorus wants (type, version and
   * condition among what its sources subscribe to, with our callback);
   * the row it enables is one Twitch's create answer or listing gave.
   */
  async #verify(message: EventSubMessage): Promise<EventSubOutcome> {
    const [invalid, envelope] = await subscriptionShape.tryValidate(message.body)
    if (invalid) return unusable(message.id, `unexpected verification: ${describe(invalid)}`)
    const [noChallenge, answer] = await challengeShape.tryValidate(message.body)
    if (noChallenge) return unusable(message.id, 'verification without a usable challenge')
    const subscription = envelope.subscription
    const callback = subscription.transport?.callback
    const wanted =
      (callback === undefined || callback === this.settings.callbackUrl) &&
      (await this.registry.wants(subscription))
    if (!wanted) {
      logger.warn(
        { subscriptionId: subscription.id, type: subscription.type },
        '[EventSub] refused the verification of a subscription Chorus did not ask for'
      )
      return { kind: 'refused', reason: 'not a subscription this server asked for' }
    }
    await this.subscriptions.verified(subscription.id)
    this.registry.changed(subscription)
    return { kind: 'challenge', challenge: answer.challenge }
  }

  /**
   * Twitch ended a subscription: its row (if Chorus has it) takes the new
   * status, the features listening to that type hear of it at once, and one
   * ended for a reason worth a retry (delivery failures, a missed challenge)
   * is replaced now, in the background.
   */
  async #revoked(subscription: SubscriptionShape): Promise<EventSubOutcome> {
    const { id, type, status } = subscription
    await this.subscriptions.updateStatus(id, status)
    logger.warn({ subscriptionId: id, type, status }, '[EventSub] Twitch revoked a subscription')
    this.registry.changed(subscription)
    if (RECREATABLE_STATUSES.includes(status) && (await this.registry.wants(subscription))) {
      this.reconciler.replaceSoon(subscription)
    }
    return { kind: 'handled' }
  }
}

/** Logged once (the message id is claimed before) and acknowledged. */
function unusable(messageId: string | null, reason: string): EventSubOutcome {
  logger.warn({ messageId, reason }, '[EventSub] acknowledged a message Chorus cannot use')
  return { kind: 'unusable', reason }
}

/** A NUL anywhere in the parsed body: in a text or in a field's name. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(containsNul)
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([key, inner]) => key.includes('\u0000') || containsNul(inner)
    )
  }
  return false
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'))
  } catch {
    return null
  }
}

/** Vine's first complaint, short enough for a log line. */
function describe(error: unknown): string {
  const messages = (error as { messages?: { field?: string; message?: string }[] }).messages
  const first = messages?.[0]
  return first ? `${first.field ?? ''} ${first.message ?? ''}`.trim().slice(0, 200) : 'invalid'
}

/**
 * PostgreSQL refused the data itself (class 22 data exception, 23 integrity
 * constraint): sending the message again would fail the same way.
 */
function isDataRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)
}
