import { createHmac, timingSafeEqual } from 'node:crypto'

/** The headers of every EventSub message that the webhook reads. */
const EVENTSUB_HEADERS = {
  id: 'twitch-eventsub-message-id',
  retry: 'twitch-eventsub-message-retry',
  type: 'twitch-eventsub-message-type',
  signature: 'twitch-eventsub-message-signature',
  timestamp: 'twitch-eventsub-message-timestamp',
} as const

/** A message's headers, read as received (the timestamp's text is signed as is). */
export interface EventSubEnvelope {
  id: string
  type: string
  timestamp: string
  signature: string
  retry: number
}

/**
 * One message whose origin is trusted (a webhook delivery whose signature
 * and time stamp were checked, or a frame of Twitch's WebSocket), as the
 * receiver's once-per-message-id `handle` takes it.
 */
export interface EventSubMessage {
  /** Twitch's message id: the same on every redelivery of the message. */
  id: string
  /** `notification`, `revocation` or `webhook_callback_verification`. */
  type: string
  /** The parsed body (`{subscription, event}`, `{subscription, challenge}`), unchecked. */
  body: unknown
}

/**
 * The envelope from the request's headers, or null when a required one is
 * missing (such a request is answered 403 like a bad signature).
 */
export function readEnvelope(
  header: (name: string) => string | undefined
): EventSubEnvelope | null {
  const id = header(EVENTSUB_HEADERS.id)
  const type = header(EVENTSUB_HEADERS.type)
  const timestamp = header(EVENTSUB_HEADERS.timestamp)
  const signature = header(EVENTSUB_HEADERS.signature)
  if (!id || !type || !timestamp || !signature) return null
  const retry = Number(header(EVENTSUB_HEADERS.retry) ?? 0)
  return { id, type, timestamp, signature, retry: Number.isFinite(retry) ? retry : 0 }
}

/**
 * Twitch signs `id + timestamp + raw body` with HMAC-SHA256 and the
 * subscription's secret: `sha256=<lowercase hex>`. Compared in constant time.
 */
export function hasValidSignature(secret: string, envelope: EventSubEnvelope, rawBody: Buffer) {
  const expected = Buffer.from(
    'sha256=' +
      createHmac('sha256', secret)
        .update(envelope.id)
        .update(envelope.timestamp)
        .update(rawBody)
        .digest('hex')
  )
  const given = Buffer.from(envelope.signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The timestamp in epoch ms, or null when it cannot be read. The pattern
 * keeps to RFC 3339's shape, which `Date.parse` is more lenient about (an
 * extended year, a space for the `T`, no zone read as local time);
 * `Date.parse` itself reads any number of fraction digits (Twitch sends
 * nanoseconds: kept to the millisecond) and refuses anything after the zone.
 */
export function messageTime(timestamp: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/.test(timestamp))
    return null
  const ms = Date.parse(timestamp)
  return Number.isFinite(ms) ? ms : null
}
