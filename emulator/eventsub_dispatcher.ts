import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { DeliveryFaults } from './delivery_faults.js'
import type { DeliveryLog } from './delivery_log.js'
import { toWireSubscription } from './eventsub_serializers.js'
import type { MessageType, SubscriptionRecord } from './eventsub_types.js'
import { nanoTimestamp } from './rfc3339.js'
import { SendSlots } from './send_slots.js'
import { Sleeper } from './sleeper.js'
import type { DeliveryStatKey } from './stats_recorder.js'
import { postWebhook } from './webhook_post.js'
import type { WebhookAnswer } from './webhook_post.js'
import { signMessage } from './webhook_signature.js'

export interface DeliverySettings {
  /** Waits before each redelivery; a message is sent at most length + 1 times. */
  retryDelaysMs: readonly number[]
  /** An answer slower than this counts as none. */
  timeoutMs: number
}

export interface DispatcherDeps {
  now: () => number
  settings: () => DeliverySettings
  faults: DeliveryFaults
  log: DeliveryLog
  count: (key: DeliveryStatKey) => void
  /** False once the subscription was deleted or the emulator reset. */
  isStored: (subscription: SubscriptionRecord) => boolean
  /** A notification used up every attempt: the subscription is to be revoked. */
  onFailuresExceeded: (subscription: SubscriptionRecord) => void
}

interface Message {
  id: string
  type: MessageType
  body: string
  /** Whether the answer counts as received (2xx; for a verification, the echoed challenge). */
  accepts: (answer: WebhookAnswer) => boolean
}

/** Messages in flight at once, all callbacks together; the rest wait their turn. */
export const MAX_SENDS_IN_FLIGHT = 64

/** One signal is shared by every send in flight, possibly thousands: no listener limit. */
function cancelController(): AbortController {
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  return controller
}

const isSuccess = (answer: WebhookAnswer) =>
  answer.status !== null && answer.status >= 200 && answer.status < 300

/**
 * Sends EventSub messages to webhook callbacks, signed as Twitch signs them,
 * in the background. Every send is a tracked task, so `idle()` lets a test
 * await all of them, redeliveries and their waits included; `cancelAll()`
 * abandons them (reset, close).
 */
export class EventSubDispatcher {
  #deps: DispatcherDeps
  #tasks = new Set<Promise<void>>()
  #sleeper = new Sleeper()
  #slots = new SendSlots(MAX_SENDS_IN_FLIGHT)
  #cancel = cancelController()
  #generation = 0

  constructor(deps: DispatcherDeps) {
    this.#deps = deps
  }

  /** The challenge: the subscription is enabled only if the callback echoes it with a 200. */
  verify(subscription: SubscriptionRecord): void {
    const challenge = randomUUID()
    const message: Message = {
      id: randomUUID(),
      type: 'webhook_callback_verification',
      body: JSON.stringify({ challenge, subscription: toWireSubscription(subscription) }),
      accepts: (answer) => answer.status === 200 && answer.body === challenge,
    }
    this.#track(async (generation) => {
      // Let the 202 of the create call leave first, as it usually does on Twitch.
      await new Promise((resolve) => setImmediate(resolve))
      await this.#sleeper.sleep(this.#deps.faults.verificationDelayMs)
      if (!this.#current(subscription, generation)) {
        return
      }
      const accepted = await this.#send(subscription, message, 0, false)
      if (
        this.#current(subscription, generation) &&
        subscription.status === 'webhook_callback_verification_pending'
      ) {
        subscription.status = accepted ? 'enabled' : 'webhook_callback_verification_failed'
      }
    })
  }

  /**
   * One event for one enabled subscription. Faults are decided here, in
   * publication order; the sends happen in the background.
   */
  notify(subscription: SubscriptionRecord, event: unknown): void {
    const message: Message = {
      id: randomUUID(),
      type: 'notification',
      body: JSON.stringify({ subscription: toWireSubscription(subscription), event }),
      accepts: isSuccess,
    }
    if (this.#deps.faults.takeDrop()) {
      this.#recordDrop(subscription, message)
      return
    }
    const duplicate = this.#deps.faults.takeDuplicate()
    this.#track((generation) => this.#deliver(subscription, message, duplicate, generation))
  }

  /** The revocation message, once and unanswered or not (best effort, as on Twitch). */
  revoke(subscription: SubscriptionRecord): void {
    const message: Message = {
      id: randomUUID(),
      type: 'revocation',
      body: JSON.stringify({ subscription: toWireSubscription(subscription) }),
      accepts: isSuccess,
    }
    this.#track(async (generation) => {
      if (this.#deps.isStored(subscription) && generation === this.#generation) {
        await this.#send(subscription, message, 0, false)
      }
    })
  }

  /** Resolves once no message is being sent or waiting for a redelivery. */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) {
      await Promise.allSettled([...this.#tasks])
    }
  }

  get pendingCount(): number {
    return this.#tasks.size
  }

  /** Abandons every pending send and wait; tasks notice and stop. */
  cancelAll(): void {
    this.#generation++
    this.#cancel.abort()
    this.#cancel = cancelController()
    this.#sleeper.wakeAll()
  }

  async #deliver(
    subscription: SubscriptionRecord,
    message: Message,
    duplicate: boolean,
    generation: number
  ): Promise<void> {
    const { retryDelaysMs } = this.#deps.settings()
    for (let retry = 0; ; retry++) {
      await this.#sleeper.sleep(this.#deps.faults.delayMs)
      if (!this.#enabled(subscription, generation)) {
        return
      }
      const sends = [this.#send(subscription, message, retry, false)]
      if (duplicate && retry === 0) {
        sends.push(this.#send(subscription, message, retry, true))
      }
      const results = await Promise.all(sends)
      if (results.includes(true)) {
        return
      }
      if (retry >= retryDelaysMs.length) {
        break
      }
      // Deleted, revoked or reset while this send was out: no redelivery,
      // and no wait that cancelAll() (already past) could not cut short.
      if (!this.#enabled(subscription, generation)) {
        return
      }
      await this.#sleeper.sleep(retryDelaysMs[retry])
    }
    if (this.#enabled(subscription, generation)) {
      this.#deps.onFailuresExceeded(subscription)
    }
  }

  async #send(
    subscription: SubscriptionRecord,
    message: Message,
    retry: number,
    duplicate: boolean
  ): Promise<boolean> {
    const release = await this.#slots.take()
    try {
      return await this.#sendNow(subscription, message, retry, duplicate)
    } finally {
      release()
    }
  }

  async #sendNow(
    subscription: SubscriptionRecord,
    message: Message,
    retry: number,
    duplicate: boolean
  ): Promise<boolean> {
    const timestamp = nanoTimestamp(this.#deps.now())
    const headers = {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': message.id,
      'Twitch-Eventsub-Message-Retry': String(retry),
      'Twitch-Eventsub-Message-Type': message.type,
      'Twitch-Eventsub-Message-Signature': signMessage(
        subscription.secret,
        message.id,
        timestamp,
        message.body
      ),
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Subscription-Type': subscription.type,
      'Twitch-Eventsub-Subscription-Version': subscription.version,
    }
    this.#deps.count(
      message.type === 'webhook_callback_verification' ? 'verification' : message.type
    )
    if (retry > 0) {
      this.#deps.count('redelivered')
    }
    if (duplicate) {
      this.#deps.count('duplicated')
    }
    const answer = await postWebhook(
      subscription.callback,
      headers,
      message.body,
      this.#deps.settings().timeoutMs,
      this.#cancel.signal
    )
    const accepted = message.accepts(answer)
    if (!accepted) {
      this.#deps.count('failed')
    }
    this.#deps.log.add({
      messageId: message.id,
      messageType: message.type,
      subscriptionId: subscription.id,
      subscriptionType: subscription.type,
      callback: subscription.callback,
      retry,
      timestamp,
      outcome: accepted ? 'ok' : (answer.failure ?? 'failed'),
      status: answer.status,
      duplicate,
      durationMs: answer.durationMs,
      error: answer.error,
    })
    return accepted
  }

  #recordDrop(subscription: SubscriptionRecord, message: Message): void {
    this.#deps.count('dropped')
    this.#deps.log.add({
      messageId: message.id,
      messageType: message.type,
      subscriptionId: subscription.id,
      subscriptionType: subscription.type,
      callback: subscription.callback,
      retry: 0,
      timestamp: null,
      outcome: 'dropped',
      status: null,
      duplicate: false,
      durationMs: 0,
      error: null,
    })
  }

  #current(subscription: SubscriptionRecord, generation: number): boolean {
    return generation === this.#generation && this.#deps.isStored(subscription)
  }

  #enabled(subscription: SubscriptionRecord, generation: number): boolean {
    return this.#current(subscription, generation) && subscription.status === 'enabled'
  }

  #track(work: (generation: number) => Promise<void>): void {
    const task = work(this.#generation)
      .catch((error: unknown) => {
        // A bug here must not become an unhandled rejection in the host process.
        console.error('[twitch-emulator] EventSub delivery failed', error)
      })
      .finally(() => this.#tasks.delete(task))
    this.#tasks.add(task)
  }
}
