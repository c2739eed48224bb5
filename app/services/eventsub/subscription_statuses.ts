/** Alive, or about to be once Twitch hears the challenge's answer. */
export const LIVE_STATUSES = ['enabled', 'webhook_callback_verification_pending']

/**
 * Revocations worth a new subscription (Twitch gave up delivering, or the
 * challenge was missed); the others mean the access is gone.
 */
export const RECREATABLE_STATUSES = [
  'notification_failures_exceeded',
  'webhook_callback_verification_failed',
]
