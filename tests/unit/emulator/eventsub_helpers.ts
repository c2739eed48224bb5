import { createHmac } from 'node:crypto'
import type { TwitchEmulator } from '#emulator/server'
import { CLIENT, helixHeaders, jsonOf } from './helpers.js'
import type { ReceivedMessage } from './webhook_receiver.js'

/** Shared by the EventSub and chat specs. */

export const SECRET = 'a-webhook-secret-of-decent-length'

/** What Chorus asks for once chat voting exists. */
export const CHAT_SCOPES = [
  'channel:manage:polls',
  'channel:read:polls',
  'user:read:chat',
  'user:write:chat',
  'user:bot',
  'channel:bot',
]

export interface SubscriptionBody {
  id: string
  status: string
  type: string
  version: string
  condition: Record<string, string>
  created_at: string
  transport: { method: string; callback: string }
  cost: number
}

export interface SubscriptionsAnswer {
  data: SubscriptionBody[]
  total: number
  total_cost: number
  max_total_cost: number
  pagination?: { cursor?: string }
}

export function subscriptionRequest(
  type: string,
  condition: Record<string, string>,
  callback: string,
  overrides: Record<string, unknown> = {}
) {
  return {
    type,
    version: '1',
    condition,
    transport: { method: 'webhook', callback, secret: SECRET },
    ...overrides,
  }
}

export function postSubscription(emulator: TwitchEmulator, token: string, body: unknown) {
  return fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
    method: 'POST',
    headers: { ...helixHeaders(token), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

/** Creates a subscription and waits for its challenge round trip; answers it as listed then. */
export async function subscribe(
  emulator: TwitchEmulator,
  appToken: string,
  type: string,
  condition: Record<string, string>,
  callback: string
): Promise<SubscriptionBody> {
  const response = await postSubscription(
    emulator,
    appToken,
    subscriptionRequest(type, condition, callback)
  )
  if (response.status !== 202) {
    throw new Error(`subscribe ${type} answered ${response.status}: ${await response.text()}`)
  }
  const created = await jsonOf<SubscriptionsAnswer>(response)
  await emulator.state.eventsub.idle()
  const listed = emulator.state.listSubscriptions().find((sub) => sub.id === created.data[0].id)
  return { ...created.data[0], status: listed?.status ?? 'missing' }
}

export function listSubscriptions(emulator: TwitchEmulator, token: string, query = '') {
  return fetch(`${emulator.helixUrl}/eventsub/subscriptions${query}`, {
    headers: helixHeaders(token),
  })
}

export function deleteSubscription(emulator: TwitchEmulator, token: string, id: string) {
  return fetch(`${emulator.helixUrl}/eventsub/subscriptions?id=${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: helixHeaders(token),
  })
}

/** The signature computed here, independently of the emulator's code. */
export function expectedSignature(message: ReceivedMessage, secret: string = SECRET): string {
  const hmac = createHmac('sha256', secret)
  hmac.update(message.id + message.timestamp + message.rawBody)
  return `sha256=${hmac.digest('hex')}`
}

export function sendChat(
  emulator: TwitchEmulator,
  token: string,
  body: Record<string, unknown>,
  clientId: string = CLIENT.clientId
) {
  return fetch(`${emulator.helixUrl}/chat/messages`, {
    method: 'POST',
    headers: { ...helixHeaders(token, clientId), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}
