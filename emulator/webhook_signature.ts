import { createHmac } from 'node:crypto'

/**
 * `Twitch-Eventsub-Message-Signature`: `sha256=` and the lowercase hex
 * HMAC-SHA256, keyed with the subscription's secret, of the message id, the
 * timestamp header's exact text and the raw body, concatenated.
 */
export function signMessage(
  secret: string,
  messageId: string,
  timestamp: string,
  rawBody: string
): string {
  const hmac = createHmac('sha256', secret)
  hmac.update(messageId + timestamp + rawBody)
  return `sha256=${hmac.digest('hex')}`
}
