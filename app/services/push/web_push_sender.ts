import webpush from 'web-push'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { PushSettings } from '#services/push/push_settings'
import { PushEndpointGuard } from '#services/push/push_endpoint_guard'
import { PushEndpointRefused } from '#services/domain_errors'

/** What a push carries; the service worker (public/sw.js) reads these fields. */
interface PushMessage {
  id: number | null
  type: string
  title: string
  body: string
  url: string | null
}

/** The part of a stored subscription a send needs. */
interface PushTarget {
  id: number
  endpoint: string
  p256dh: string
  auth: string
}

interface PushOptions {
  urgency: 'normal' | 'high'
  ttlSeconds?: number
}

export interface PushDelivery {
  target: PushTarget
  message: PushMessage
  options: PushOptions
}

/**
 * - delivered: the push service took it (2xx)
 * - gone: the push service said the subscription no longer exists (404/410); deleted
 * - refused: the endpoint failed the address check; nothing was sent
 * - failed: anything else (timeout, network error, other status, bad keys)
 * - unconfigured: no VAPID keys, nothing was sent
 */
export type PushResult = 'delivered' | 'gone' | 'refused' | 'failed' | 'unconfigured'

/**
 * Sends web pushes (docs/notifications.md): `web-push` builds the request (VAPID, aes128gcm
 * payload, TTL, urgency) and `fetch` sends it, after the endpoint guard
 * checked the address and with a timeout. It never throws: each send
 * resolves with its result and logs what went wrong (never a key, never
 * the endpoint's path, which is a capability).
 */
@inject()
export class WebPushSender {
  constructor(
    private settings: PushSettings,
    private guard: PushEndpointGuard,
    private clock: Clock
  ) {}

  /**
   * Sends every delivery with at most `concurrency` requests in flight.
   * Results come back in the order of `deliveries`.
   */
  async sendAll(deliveries: readonly PushDelivery[]): Promise<PushResult[]> {
    return mapWithConcurrency(deliveries, this.settings.concurrency, (delivery) =>
      this.send(delivery)
    )
  }

  async send({ target, message, options }: PushDelivery): Promise<PushResult> {
    const context = { subscriptionId: target.id, pushHost: hostOf(target.endpoint) }
    try {
      if (!this.settings.vapidConfigured) return 'unconfigured'

      const request = webpush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        JSON.stringify(message),
        {
          vapidDetails: this.settings.vapid,
          TTL: options.ttlSeconds ?? this.settings.defaultTtlSeconds,
          urgency: options.urgency,
          contentEncoding: 'aes128gcm',
        }
      )
      // Right before sending: the host may resolve elsewhere than at subscription time.
      await this.guard.check(target.endpoint)

      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: requestHeaders(request.headers),
        body: request.body,
        // A redirect could point anywhere, the guard's check included.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      })
      await response.body?.cancel()

      if (response.ok) {
        await this.#markUsed(target)
        return 'delivered'
      }
      if (response.status === 404 || response.status === 410) {
        await db.from('push_subscriptions').where('id', target.id).delete()
        logger.info({ ...context, status: response.status }, '[Push] subscription expired, deleted')
        return 'gone'
      }
      logger.warn(
        { ...context, status: response.status },
        '[Push] push service refused the message'
      )
      return 'failed'
    } catch (error) {
      if (error instanceof PushEndpointRefused) {
        logger.warn({ ...context, reason: error.message }, '[Push] endpoint refused, nothing sent')
        return 'refused'
      }
      logger.warn({ ...context, error: describe(error) }, '[Push] sending failed')
      return 'failed'
    }
  }

  async #markUsed(target: PushTarget) {
    await db
      .from('push_subscriptions')
      .where('id', target.id)
      .update({ last_used_at: this.clock.now().toJSDate() })
  }
}

/**
 * `web-push` gives numbers and a Content-Length; fetch wants strings and
 * computes the length itself.
 */
function requestHeaders(headers: Record<string, string | number>) {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.toLowerCase() !== 'content-length')
      .map(([name, value]) => [name, String(value)])
  )
}

function hostOf(endpoint: string) {
  try {
    return new URL(endpoint).host
  } catch {
    return null
  }
}

function describe(error: unknown) {
  if (error instanceof Error) {
    // fetch wraps the network error ("fetch failed"): its cause says what happened.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return `${error.name}: ${error.message}${cause}`
  }
  return String(error)
}
