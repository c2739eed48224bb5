/**
 * What went wrong talking to Twitch, sorted the way the refresh policy needs:
 * a permanent failure (Twitch said no: 4xx) may lead to deactivation, a
 * transient one (network, timeout, 5xx, 429, garbage) never does.
 *
 * Messages carry Twitch's own explanation, never a token.
 */
type TwitchFailureKind = 'permanent' | 'transient'

export abstract class TwitchError extends Error {
  abstract readonly kind: TwitchFailureKind

  constructor(
    message: string,
    /** HTTP status Twitch answered with, when it answered. */
    readonly status: number | null = null,
    /** Twitch's `message` field, e.g. "Invalid refresh token". */
    readonly twitchMessage: string | null = null
  ) {
    super(message)
    this.name = new.target.name
  }
}

/**
 * Twitch refused the request (400, 403, 404, 409…). Repeating it won't help.
 */
export class TwitchPermanentError extends TwitchError {
  readonly kind = 'permanent'
}

/**
 * The token was refused (401). Helix callers refresh once and retry.
 */
export class TwitchUnauthorizedError extends TwitchPermanentError {}

/**
 * Twitch could not be reached or could not answer properly: network error,
 * timeout, 5xx, 429 or an unreadable body. Worth retrying later.
 */
export class TwitchTransientError extends TwitchError {
  readonly kind = 'transient'

  constructor(
    message: string,
    status: number | null = null,
    twitchMessage: string | null = null,
    /** How long Twitch asked us to wait (Retry-After / Ratelimit-Reset), in ms. */
    readonly retryAfterMs: number | null = null
  ) {
    super(message, status, twitchMessage)
  }
}

/**
 * Twitch took longer than the configured timeout.
 */
export class TwitchTimeoutError extends TwitchTransientError {}
