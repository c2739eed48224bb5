import pushConfig from '#config/push'

interface VapidDetails {
  publicKey: string
  privateKey: string
  subject: string
}

/**
 * The knobs of web push, read from config/push.ts. Injectable: tests swap in
 * other values with
 * `app.container.swap(PushSettings, () => new PushSettings({ allowPrivateEndpoints: false }))`.
 */
export class PushSettings {
  vapid: VapidDetails = { ...pushConfig.vapid }
  allowPrivateEndpoints: boolean = pushConfig.allowPrivateEndpoints
  defaultTtlSeconds: number = pushConfig.defaultTtlSeconds
  requestTimeoutMs: number = pushConfig.requestTimeoutMs
  concurrency: number = pushConfig.concurrency
  maxSubscriptionsPerUser: number = pushConfig.maxSubscriptionsPerUser

  constructor(overrides: Partial<Omit<PushSettings, 'vapidConfigured'>> = {}) {
    Object.assign(this, overrides)
  }

  /** Both VAPID keys are set: without them nothing can be pushed. */
  get vapidConfigured() {
    return this.vapid.publicKey !== '' && this.vapid.privateKey !== ''
  }
}
