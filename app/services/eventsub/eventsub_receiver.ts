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
} from '#services/eventsub/eventsub_message'

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
    if (!this.settings.enabled) {
      return { status: 404, text: 'Twitch events are not enabled on this server' }
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

    switch (envelope.type) {
      case 'webhook_callback_verification':
        return this.#verify(body)
      case 'revocation':
        return this.#revoked(body)
      case 'notification':
        return this.#notification(envelope, body)
      default:
        return { status: 400, text: `unknown message type ${envelope.type}` }
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

  async #revoked(body: EventSubBody): Promise<WebhookAnswer> {
    const { id, type, status } = body.subscription!
    await this.subscriptions.record([body.subscription!])
    logger.warn({ subscriptionId: id, type, status }, '[EventSub] Twitch revoked a subscription')
    if (RECREATABLE_STATUSES.includes(status)) {
      // Recreated by a reconciliation (one instance, by lock), not in this answer.
      const reconciler = await app.container.make(SubscriptionReconciler)
      reconciler.reconcileSoon()
    }
    return { status: 204, text: '' }
  }

  async #notification(envelope: EventSubEnvelope, body: EventSubBody): Promise<WebhookAnswer> {
    const subscription = body.subscription!
    const handler = await this.registry.handlerFor(subscription.type, subscription.version)
    if (!handler) {
      return { status: 204, text: '' }
    }

    const claim = await this.handled.claim(envelope.id)
    if (claim === 'handled') return { status: 204, text: '' }
    if (claim === 'in_flight') {
      // Its twin is still being handled elsewhere: Twitch will ask again.
      return { status: 503, text: 'this message is being handled, try again' }
    }
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
        '[EventSub] handling a notification failed; Twitch will deliver it again'
      )
      return { status: 500, text: 'could not handle the event now' }
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
    return { status: 204, text: '' }
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
