import env from '#start/env'

/**
 * Web push (docs/notifications.md). The VAPID identity comes from the environment
 * (`node ace push:vapid` writes it into .env); everything else has a default.
 * Services read these values through `PushSettings`, which tests swap in
 * the container instead of re-booting the app.
 */
const pushConfig = {
  vapid: {
    publicKey: env.get('VAPID_PUBLIC_KEY', ''),
    privateKey: env.get('VAPID_PRIVATE_KEY', ''),
    /** A `mailto:` or `https:` contact the push services can reach the operator at. */
    subject: env.get('VAPID_SUBJECT') || 'mailto:ops@chorus.example',
  },

  /**
   * Allow `http:` endpoints and hosts that resolve to loopback, link-local or
   * private addresses. Tests and the local demo only: otherwise a
   * subscription could make the server send requests into its own network.
   */
  allowPrivateEndpoints: env.get('PUSH_ALLOW_PRIVATE_ENDPOINTS', false),

  /** How long a push service keeps a message for an offline browser. */
  defaultTtlSeconds: 24 * 60 * 60,

  /** Upper bound of one request to a push service. */
  requestTimeoutMs: 10_000,

  /** Requests to push services in flight at once for one batch of notifications. */
  concurrency: 8,

  /**
   * Subscriptions kept per user (one per browser); the least recently
   * refreshed ones go first. Bounds the requests one account can cause.
   */
  maxSubscriptionsPerUser: 20,
}

export default pushConfig
