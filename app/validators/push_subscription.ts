import { createECDH } from 'node:crypto'
import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { MAX_ENDPOINT_LENGTH } from '#services/push/push_endpoint_guard'

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

/**
 * A base64url string (padding tolerated) that decodes to exactly `bytes`
 * bytes; with `p256Point`, an uncompressed P-256 public key (0x04 ‖ X ‖ Y)
 * that is really on the curve, as the payload encryption needs.
 */
const base64urlKey = vine.createRule(
  (value: unknown, options: { bytes: number; p256Point?: boolean }, field: FieldContext) => {
    if (typeof value !== 'string') return
    if (!BASE64URL.test(value)) {
      field.report('The {{ field }} key must be base64url encoded', 'base64url', field)
      return
    }
    const decoded = Buffer.from(value, 'base64url')
    if (decoded.length !== options.bytes) {
      field.report(
        'The {{ field }} key must decode to {{ bytes }} bytes',
        'keyLength',
        field,
        options
      )
      return
    }
    if (options.p256Point && !isP256Point(decoded)) {
      field.report(
        'The {{ field }} key must be an uncompressed P-256 public key',
        'p256Point',
        field
      )
    }
  },
  { name: 'base64urlKey' }
)

function isP256Point(key: Buffer) {
  if (key[0] !== 0x04) return false
  try {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    ecdh.computeSecret(key)
    return true
  } catch {
    return false
  }
}

/** Stored without padding, as browsers send them. */
function unpadded(value: string) {
  return value.replace(/=+$/, '')
}

const endpoint = () =>
  vine
    .string()
    .trim()
    .maxLength(MAX_ENDPOINT_LENGTH)
    .url({ require_protocol: true, protocols: ['https', 'http'], require_tld: false })

/**
 * The browser's `PushSubscription.toJSON()`: `{endpoint, expirationTime?,
 * keys: {p256dh, auth}}`. Whether the server may send to the endpoint is
 * the PushEndpointGuard's call, after this.
 */
export const pushSubscriptionValidator = vine.create({
  endpoint: endpoint(),
  expirationTime: vine.number().nullable().optional(),
  keys: vine.object({
    p256dh: vine
      .string()
      .use(base64urlKey({ bytes: 65, p256Point: true }))
      .transform(unpadded),
    auth: vine
      .string()
      .use(base64urlKey({ bytes: 16 }))
      .transform(unpadded),
  }),
})

/** `DELETE /push/subscriptions` body. */
export const pushUnsubscribeValidator = vine.create({
  endpoint: endpoint(),
})

const messages = new SimpleMessagesProvider(
  {
    'required': 'The {{ field }} field is required',
    'string': 'The {{ field }} field must be a string',
    'object': 'The {{ field }} field must be an object',
    'number': 'The {{ field }} field must be a number or null',
    'endpoint.url': 'The endpoint must be an http(s) URL',
    'endpoint.maxLength': 'The endpoint must be at most {{ max }} characters long',
  },
  { 'keys.p256dh': 'p256dh', 'keys.auth': 'auth' }
)
pushSubscriptionValidator.messagesProvider = messages
pushUnsubscribeValidator.messagesProvider = messages
