/**
 * The EventSub subscription types the emulator supports, with what each one
 * needs: its condition fields and the authorization users must have given the
 * client before an app access token may subscribe.
 */

/** One user's part of a subscription's authorization: any one of the scope sets, in full. */
export interface AuthorizationNeed {
  userId: string
  anyOf: readonly (readonly string[])[]
}

export interface SubscriptionTypeSpec {
  type: string
  version: string
  conditionKeys: readonly string[]
  /** Condition fields that may be given (kept when they are). */
  optionalConditionKeys?: readonly string[]
  needs: (condition: Record<string, string>) => AuthorizationNeed[]
}

const POLL_SCOPES = [['channel:read:polls'], ['channel:manage:polls']] as const

function pollSpec(type: string): SubscriptionTypeSpec {
  return {
    type,
    version: '1',
    conditionKeys: ['broadcaster_user_id'],
    needs: (condition) => [{ userId: condition.broadcaster_user_id, anyOf: POLL_SCOPES }],
  }
}

export const SUBSCRIPTION_TYPES: readonly SubscriptionTypeSpec[] = [
  pollSpec('channel.poll.begin'),
  pollSpec('channel.poll.progress'),
  pollSpec('channel.poll.end'),
  {
    type: 'channel.chat.message',
    version: '1',
    conditionKeys: ['broadcaster_user_id', 'user_id'],
    // With an app token: the reading user's user:read:chat + user:bot, and the
    // broadcaster's channel:bot (for Chorus both are the broadcaster).
    needs: (condition) => [
      { userId: condition.user_id, anyOf: [['user:read:chat', 'user:bot']] },
      { userId: condition.broadcaster_user_id, anyOf: [['channel:bot']] },
    ],
  },
  {
    // A conduit's shard was disabled; only the owner of the conduit may subscribe.
    type: 'conduit.shard.disabled',
    version: '1',
    conditionKeys: ['client_id'],
    optionalConditionKeys: ['conduit_id'],
    needs: () => [],
  },
  {
    type: 'user.authorization.revoke',
    version: '1',
    conditionKeys: ['client_id'],
    needs: () => [],
  },
]

export function findSubscriptionType(
  type: string,
  version: string
): SubscriptionTypeSpec | undefined {
  return SUBSCRIPTION_TYPES.find((spec) => spec.type === type && spec.version === version)
}

/**
 * Twitch's cost rule: a subscription a user authorized costs nothing; one
 * that needs no user's authorization costs 1.
 */
export function costOf(spec: SubscriptionTypeSpec, condition: Record<string, string>): number {
  return spec.needs(condition).length > 0 ? 0 : 1
}

/** Condition fields that name a user (`broadcaster_user_id`, `user_id`…). */
export function conditionUserIds(condition: Record<string, string>): string[] {
  return Object.entries(condition)
    .filter(([key]) => key.endsWith('user_id'))
    .map(([, value]) => value)
}
