import { findSubscriptionType } from './eventsub_catalog.js'
import type { SubscriptionTypeSpec } from './eventsub_catalog.js'

export const SECRET_LENGTH = { min: 10, max: 100 } as const

export interface SubscriptionDraft {
  spec: SubscriptionTypeSpec
  condition: Record<string, string>
  /** '' for a conduit subscription. */
  callback: string
  secret: string
  /** null for a webhook subscription. */
  conduitId: string | null
}

export type SubscriptionDraftResult =
  { ok: true; draft: SubscriptionDraft } | { ok: false; message: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Real Twitch only calls `https:` callbacks on port 443; the emulator also
 * takes `http:` on any port so a local app can receive its messages.
 */
function isCallbackUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0
  } catch {
    return false
  }
}

/** Create EventSub Subscription's body checks (the caller and users are checked by the route). */
export function readSubscriptionDraft(body: Record<string, unknown>): SubscriptionDraftResult {
  const fail = (message: string): SubscriptionDraftResult => ({ ok: false, message })
  const { type, version, condition, transport } = body
  if (typeof type !== 'string' || type.length === 0) {
    return fail('Missing required parameter "type"')
  }
  if (typeof version !== 'string' || version.length === 0) {
    return fail('Missing required parameter "version"')
  }
  const spec = findSubscriptionType(type, version)
  if (!spec) {
    return fail(`Unsupported subscription type and version: ${type} v${version}`)
  }
  if (!isRecord(condition)) {
    return fail('Missing required parameter "condition"')
  }
  const accepted: Record<string, string> = {}
  for (const key of spec.conditionKeys) {
    const value = condition[key]
    if (typeof value !== 'string' || value.length === 0) {
      return fail(`The condition of ${type} requires "${key}"`)
    }
    accepted[key] = value
  }
  for (const key of spec.optionalConditionKeys ?? []) {
    const value = condition[key]
    if (typeof value === 'string' && value.length > 0) accepted[key] = value
  }
  if (!isRecord(transport)) {
    return fail('Missing required parameter "transport"')
  }
  if (transport.method === 'conduit') {
    const conduitId = transport.conduit_id
    if (typeof conduitId !== 'string' || conduitId.length === 0) {
      return fail('The conduit transport requires "conduit_id"')
    }
    return { ok: true, draft: { spec, condition: accepted, callback: '', secret: '', conduitId } }
  }
  if (transport.method !== 'webhook') {
    return fail(
      'The transport method must be "webhook" or "conduit" (an app access token cannot use "websocket")'
    )
  }
  const { callback, secret } = transport
  if (typeof callback !== 'string' || !isCallbackUrl(callback)) {
    return fail('The transport callback must be an absolute http(s) URL')
  }
  if (
    typeof secret !== 'string' ||
    secret.length < SECRET_LENGTH.min ||
    secret.length > SECRET_LENGTH.max
  ) {
    return fail(
      `The transport secret must be from ${SECRET_LENGTH.min} to ${SECRET_LENGTH.max} characters`
    )
  }
  return { ok: true, draft: { spec, condition: accepted, callback, secret, conduitId: null } }
}
