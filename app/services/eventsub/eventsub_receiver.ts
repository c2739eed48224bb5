import { inject } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { Clock } from '#services/clock'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { EventSubRegistry } from '#services/eventsub/eventsub_registry'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { RECREATABLE_STATUSES } from '#services/eventsub/subscription_statuses'
import {
  hasValidSignature,
  messageTime,
  type EventSubBody,
  type EventSubEnvelope,
  type EventSubWireSubscription,
} from '#services/eventsub/eventsub_message'

/**
 * A message whose origin is established (a webhook's valid signature, or a
 * frame of our own WebSocket session to Twitch), whatever brought it.
 */
export interface VerifiedMessage {
  id: string
  type: string
  subscription: EventSubWireSubscription
  event?: unknown
}

/**
 * What became of a verified message: `done` (handled now, recorded, or
 * nothing to do), `duplicate` (handled before), `busy` (its twin is being
 * handled elsewhere: try again later), `failed` (not handled: try again),
 * `unknown_type`.
 */
export type MessageOutcome = 'done' | 'duplicate' | 'busy' | 'failed' | 'unknown_type'

const WEBHOOK_ANSWERS: Record<MessageOutcome, WebhookAnswer> = {
  done: { status: 204, text: '' },
  duplicate: { status: 204, text: '' },
  busy: { status: 503, text: 'this message is being handled, try again' },
  failed: { status: 500, text: 'could not handle the event now' },
  unknown_type: { status: 400, text: 'unknown message type' },
}

/** What the webhook answers Twitch. */
export interface WebhookAnswer {
  status: number
  /** Sent as text/plain. */
  text: string
}

/**
 * Everything the webhook does with one message (docs/eventsub.md): the
 * signature over the raw body first (403 when missing or wrong), then the
 * age (older than 10 minutes: ignored), then by type — the challenge is
 * echoed, a revocation recorded, a notification handled once across
 * instances by the handler of its type, its effect stored before the 2xx.
 */
@inject()
export class EventSubReceiver {
  constructor(
    private clock: Clock,
    private settings: EventSubSettings,
    private registry: EventSubRegistry,
    private handled: HandledMessages,
    private subscriptions: SubscriptionStore
  ) {}

  async receive(envelope: EventSubEnvelope | null, rawBody: Buffer): Promise<WebhookAnswer> {
    if (!this.settings.webhookEnabled) {
      return { status: 404, text: 'the Twitch events webhook is not enabled on this server' }
    }
    if (!envelope || !hasValidSignature(this.settings.secret, envelope, rawBody)) {
      return { status: 403, text: 'missing or invalid signature' }
    }
    const sentAt = messageTime(envelope.timestamp)
    if (sentAt === null) {
      return { status: 400, text: 'unreadable message timestamp' }
    }
    if (this.clock.now().toMillis() - sentAt > this.settings.maxMessageAgeMs) {
      // Signed, but too old to trust (a replay): answered so it is not sent again.
      logger.warn({ messageId: envelope.id }, '[EventSub] ignored a message older than 10 minutes')
      return { status: 200, text: 'ignored: message older than 10 minutes' }
    }

    const body = parseBody(rawBody)
    if (!body?.subscription || typeof body.subscription.id !== 'string') {
      return { status: 400, text: 'unreadable message body' }
    }

    if (envelope.type === 'webhook_callback_verification') return this.#verify(body)
    const outcome = await this.handleVerified({
      id: envelope.id,
      type: envelope.type,
      subscription: body.subscription,
      event: body.event,
    })
    return WEBHOOK_ANSWERS[outcome]
  }

  /**
   * The one path of every verified message, whatever its transport: a
   * revocation is recorded, a notification handled once per message id
   * across instances, its effect stored before this resolves.
   */
  async handleVerified(message: VerifiedMessage): Promise<MessageOutcome> {
    switch (message.type) {
      case 'revocation':
        return this.#revoked(message.subscription)
      case 'notification':
        return this.#notification(message)
      default:
        return 'unknown_type'
    }
  }

  async #verify(body: EventSubBody): Promise<WebhookAnswer> {
    if (typeof body.challenge !== 'string' || body.challenge.length === 0) {
      return { status: 400, text: 'verification without a challenge' }
    }
    // Twitch enables it once this answer reaches it; the next listing confirms.
    await this.subscriptions.record([{ ...body.subscription!, status: 'enabled' }])
    return { status: 200, text: body.challenge }
  }

  async #revoked(subscription: EventSubWireSubscription): Promise<MessageOutcome> {
    const { id, type, status } = subscription
    await this.subscriptions.record([subscription])
    logger.warn({ subscriptionId: id, type, status }, '[EventSub] Twitch revoked a subscription')
    if (RECREATABLE_STATUSES.includes(status)) {
      // Recreated by a reconciliation (one instance, by lock), not in this answer.
      const reconciler = await app.container.make(SubscriptionReconciler)
      reconciler.reconcileSoon()
    }
    return 'done'
  }

  async #notification(message: VerifiedMessage): Promise<MessageOutcome> {
    const { subscription } = message
    const envelope = { id: message.id }
    const body = { event: message.event }
    const handler = await this.registry.handlerFor(subscription.type, subscription.version)
    if (!handler) {
      return 'done'
    }

    const claim = await this.handled.claim(envelope.id)
    if (claim === 'handled') return 'duplicate'
    // Its twin is still being handled elsewhere: Twitch will ask again.
    if (claim === 'in_flight') return 'busy'
    try {
      await handler.handle({
        messageId: envelope.id,
        subscriptionId: subscription.id,
        type: subscription.type,
        version: subscription.version,
        condition: subscription.condition ?? {},
        event: body.event,
      })
    } catch (error) {
      await this.handled.release(envelope.id).catch(() => {})
      logger.error(
        {
          messageId: envelope.id,
          type: subscription.type,
          error: error instanceof Error ? error.message : String(error),
        },
        '[EventSub] handling a notification failed; it will be tried again'
      )
      return 'failed'
    }
    // The effect is stored: the answer need not wait for this mark (a twin
    // arriving meanwhile waits for it; if it never lands, the claim expires
    // and a later copy would change nothing).
    this.handled.done(envelope.id).catch((error: unknown) => {
      logger.warn(
        { messageId: envelope.id, error: error instanceof Error ? error.message : String(error) },
        '[EventSub] could not mark a message as handled'
      )
    })
    logger.debug({ type: subscription.type }, `[EventSub] handled notification ${envelope.id}`)
    return 'done'
  }
}

function parseBody(rawBody: Buffer): EventSubBody | null {
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'))
    return parsed && typeof parsed === 'object' ? (parsed as EventSubBody) : null
  } catch {
    return null
  }
}
