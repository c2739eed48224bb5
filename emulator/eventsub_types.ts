/** EventSub records the emulator keeps in memory (camelCase; wire shapes are built elsewhere). */

export type SubscriptionStatus =
  | 'enabled'
  | 'webhook_callback_verification_pending'
  | 'webhook_callback_verification_failed'
  | 'notification_failures_exceeded'
  | 'authorization_revoked'
  | 'moderator_removed'
  | 'user_removed'
  | 'chat_user_banned'
  | 'version_removed'
  | 'beta_maintenance'

export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  'enabled',
  'webhook_callback_verification_pending',
  'webhook_callback_verification_failed',
  'notification_failures_exceeded',
  'authorization_revoked',
  'moderator_removed',
  'user_removed',
  'chat_user_banned',
  'version_removed',
  'beta_maintenance',
]

/** The statuses a subscription can be revoked with (a revocation message carries it). */
export const REVOCATION_STATUSES: readonly SubscriptionStatus[] = SUBSCRIPTION_STATUSES.filter(
  (status) => status !== 'enabled' && status !== 'webhook_callback_verification_pending'
)

export function isSubscriptionStatus(value: unknown): value is SubscriptionStatus {
  return typeof value === 'string' && (SUBSCRIPTION_STATUSES as readonly string[]).includes(value)
}

export interface SubscriptionRecord {
  id: string
  /** Creation order, for stable listing and pagination. */
  sequence: number
  /** The OAuth application that created it; only that client sees it. */
  clientId: string
  type: string
  version: string
  condition: Record<string, string>
  /** Webhook subscriptions: where and with what secret messages go ('' for a conduit's). */
  callback: string
  secret: string
  /** Conduit subscriptions: the conduit whose shards receive the messages; null for a webhook. */
  conduitId: string | null
  status: SubscriptionStatus
  /** RFC 3339 with nanoseconds */
  createdAt: string
  cost: number
}

export type MessageType = 'webhook_callback_verification' | 'notification' | 'revocation'

/**
 * How one message send ended: `ok` (2xx, or the challenge echoed for a
 * verification), `failed` (another status, or a wrong challenge), `timeout`,
 * `unreachable` (connection refused, reset…), `dropped` (a fault: never sent).
 */
export type DeliveryOutcome = 'ok' | 'failed' | 'timeout' | 'unreachable' | 'dropped'

export interface DeliveryRecord {
  messageId: string
  messageType: MessageType
  subscriptionId: string
  subscriptionType: string
  /** The webhook callback, or `conduit <id> shard <n>` for a conduit's WebSocket shard. */
  callback: string
  /** The `Twitch-Eventsub-Message-Retry` header: 0 first, then 1, 2… */
  retry: number
  /** The `Twitch-Eventsub-Message-Timestamp` header (null when dropped). */
  timestamp: string | null
  outcome: DeliveryOutcome
  /** HTTP status of the answer, null when there was none. */
  status: number | null
  /** A second send of the same message, from the duplicate fault. */
  duplicate: boolean
  durationMs: number
  error: string | null
}
