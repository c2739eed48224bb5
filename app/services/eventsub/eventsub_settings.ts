import twitchConfig from '#config/twitch'

/**
 * The knobs of Twitch events (docs/eventsub.md). Injectable: tests and the
 * benchmark swap in other values with
 * `app.container.swap(EventSubSettings, () => ...)`.
 */
export class EventSubSettings {
  /** `webhook` or `conduit` (WebSocket sessions to Twitch, no public address). */
  transport: 'webhook' | 'conduit' = twitchConfig.eventsub.transport

  /** The webhook secret; with webhooks, empty = EventSub off, results come from Helix. */
  secret = twitchConfig.eventsub.secret

  /** Where Twitch delivers (public `https:` on 443 for real Twitch). */
  callbackUrl = twitchConfig.eventsub.callbackUrl

  /** Twitch's advice against replays: older messages are ignored. */
  maxMessageAgeMs = 10 * 60_000

  /**
   * How long a handled message id is remembered. Past the 10 minutes a
   * replay could be accepted and past the time Twitch keeps redelivering.
   */
  handledMessageTtlSeconds = 60 * 60

  /**
   * A message being handled by some instance holds its id this long: if
   * that instance dies mid-way, a redelivery handles it after this.
   */
  inFlightTtlSeconds = 30

  /** A duplicate arriving while its twin is being handled waits this long for it. */
  inFlightWaitMs = 1_500

  /**
   * Twitch's advice is about old messages; one stamped this far in the
   * future is refused the same way (it could be replayed once its id is
   * forgotten).
   */
  maxMessageLeadMs = 10 * 60_000

  /**
   * A challenge answered before the create call returned leaves a mark this
   * long, so the create's answer records the subscription as enabled.
   */
  verifiedMarkTtlSeconds = 10 * 60

  /**
   * While chat votes run, Twitch's listing of chat subscriptions is read
   * this often (one request for every channel, one instance by lock): a
   * subscription Twitch stopped delivering without a revocation is noticed
   * within this time and recreated.
   */
  chatWatchIntervalMs = 10_000

  /** Largest body accepted on the webhook (Twitch's messages are a few kB). */
  bodyLimitBytes = 64 * 1024

  /** How often every instance offers to reconcile the subscriptions (one does, by lock). */
  reconcileIntervalMs = 5 * 60_000

  /** The reconciliation lock outlives a slow run by this much. */
  reconcileLockTtlMs = 120_000

  /** Subscriptions created or deleted at once during a reconciliation. */
  reconcileConcurrency = 8

  /**
   * A channel live by event that sent nothing for this long is read once
   * from Helix (a quiet channel sends nothing: this is a safety net, not
   * a failure).
   */
  silentChannelReadMs = 60_000

  /** Twitch's EventSub WebSocket (the conduit's shards connect there). */
  websocketUrl = twitchConfig.eventsub.websocketUrl

  /**
   * Asked of Twitch when connecting (10–600 s): frames or keepalives come
   * at least this often, and a session silent longer is dead.
   */
  keepaliveSeconds = 10

  /** Silence tolerated past the keepalive before the session is given up. */
  keepaliveGraceMs = 2_000

  /**
   * A shard's owner renews its claim in Redis this often; a claim not renewed
   * for `shardClaimTtlMs` is free, so a dead instance's shard is taken over
   * within the two.
   */
  shardHeartbeatMs = 3_000
  shardClaimTtlMs = 10_000

  /**
   * How often an instance asks Twitch (Get Conduit Shards, one request)
   * whether its own shard is enabled: Twitch may disable it while the
   * session lives, and a lone instance hears no `conduit.shard.disabled`
   * (it goes to another shard). A disabled shard gets its session back.
   */
  shardCheckMs = twitchConfig.eventsub.shardCheckMs

  /** Waits before reconnecting after a session is lost (the last repeats). */
  reconnectDelaysMs: readonly number[] = [0, 1_000, 2_000, 5_000]

  /**
   * Frames handled at once by one session (a channel's frames always one
   * after another, in order).
   */
  frameConcurrency = 16

  /** A notification whose handling fails is tried again after this (its frame is not lost). */
  handlingRetryMs = 500

  get usesConduit() {
    return this.transport === 'conduit'
  }

  get enabled() {
    return this.usesConduit || this.secret.length > 0
  }

  /** The webhook takes messages only in webhook mode with a secret to check them against. */
  get webhookEnabled() {
    return !this.usesConduit && this.secret.length > 0
  }
}
