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

/** The subscription part of every message body. */
interface EventSubWireSubscription {
  id: string
  type: string
  version: string
  status: string
  condition: Record<string, string>
}

export interface EventSubBody {
  subscription?: EventSubWireSubscription
  event?: unknown
  challenge?: string
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
        .digest('hex'),
    'utf8'
  )
  const given = Buffer.from(envelope.signature, 'utf8')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The timestamp in epoch ms (RFC 3339; fractions beyond milliseconds are
 * dropped), or null when it cannot be read.
 */
export function messageTime(timestamp: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(timestamp))
    return null
  const ms = Date.parse(timestamp.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isFinite(ms) ? ms : null
}
