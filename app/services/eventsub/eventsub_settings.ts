import twitchConfig from '#config/twitch'

/**
 * The knobs of Twitch events (docs/eventsub.md). Injectable: tests and the
 * benchmark swap in other values with
 * `app.container.swap(EventSubSettings, () => ...)`.
 */
export class EventSubSettings {
  /** The webhook secret; empty = EventSub off, live results come from Helix. */
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

  get enabled() {
    return this.secret.length > 0
  }
}
