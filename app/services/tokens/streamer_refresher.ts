import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import Streamer from '#models/streamer'
import { TwitchOAuthClient, type TwitchTokenSet } from '#services/twitch/twitch_oauth_client'
import { TwitchError, TwitchTransientError } from '#services/twitch/twitch_errors'
import type { TwitchCallLimiter } from '#services/tokens/twitch_call_limiter'
import { StreamerLock } from '#services/tokens/streamer_lock'
import { RefreshTiming } from '#services/tokens/refresh_timing'
import { RefreshRecorder, adoptState } from '#services/tokens/refresh_recorder'
import { formatDuration, type DueDecision } from '#services/tokens/token_refresh_policy'
import {
  INACTIVE_REASON,
  failedOutcome,
  inactiveOutcome,
  type RefreshOutcome,
  type RefreshTrigger,
} from '#services/tokens/refresh_outcome'

interface RefreshOptions {
  /** Refresh even when the token is not due (the command's `--force`, a 401, a grant). */
  force?: boolean
  /** Decide only: no lock, no call to Twitch, no write. */
  dryRun?: boolean
  trigger?: RefreshTrigger
  /** The next scheduled tick for the due rule; computed from the clock when absent. */
  nextTick?: DateTime
  /** Shared by the workers of a cycle: calls in flight, Twitch's rate-limit answers. */
  limiter?: TwitchCallLimiter
}

/**
 * What the caller saw before waiting for the lock: if any of it changed by
 * the time the lock is held, another flight dealt with the streamer.
 */
interface Snapshot {
  accessTokenEncrypted: string | null
  tokenRefreshFailedAtMs: number | null
}

/**
 * Refreshes one streamer under the token policy (docs/token-policy.md), for
 * every path that refreshes: grant, scheduler, retry sweep, health check,
 * command and a Helix 401.
 *
 * Per streamer: one Redis lock (single flight across processes), one re-read
 * under the lock, one call to Twitch (with bounded retries for transient
 * failures) and one write, left to `RefreshRecorder`.
 */
@inject()
export class StreamerRefresher {
  constructor(
    private timing: RefreshTiming,
    private oauth: TwitchOAuthClient,
    private streamerLock: StreamerLock,
    private recorder: RefreshRecorder
  ) {}

  /**
   * Never throws for a Twitch failure: the outcome says what happened. The
   * given model is updated with the streamer's new state.
   */
  async refreshStreamer(streamer: Streamer, options: RefreshOptions = {}): Promise<RefreshOutcome> {
    const now = this.timing.now()
    const nextTick = options.nextTick ?? this.timing.nextTick(now)
    const snapshot: Snapshot = {
      accessTokenEncrypted: streamer.accessTokenEncrypted,
      tokenRefreshFailedAtMs: streamer.tokenRefreshFailedAt?.toMillis() ?? null,
    }

    if (!streamer.isActive) {
      return options.dryRun
        ? { status: 'skipped', streamer, reason: INACTIVE_REASON, wouldRefresh: false }
        : inactiveOutcome(streamer)
    }
    const due = this.timing.dueDecision(streamer, now, nextTick)
    if (!options.force && !due.due) {
      return { status: 'skipped', streamer, reason: due.reason, wouldRefresh: false }
    }
    if (options.dryRun) {
      return dryRunOutcome(streamer, options, due)
    }

    const locked = await this.streamerLock.run(streamer.id, () =>
      this.#refreshLocked(streamer, snapshot, options, nextTick)
    )
    if (!locked.acquired) {
      return this.recorder.transientFailure(
        streamer,
        streamer,
        'another refresh of this streamer is still running (lock wait timed out)',
        options.trigger
      )
    }
    return locked.value
  }

  /**
   * Holding the lock: re-read, find out whether someone else already dealt
   * with the streamer, else refresh.
   */
  async #refreshLocked(
    original: Streamer,
    snapshot: Snapshot,
    options: RefreshOptions,
    nextTick: DateTime
  ): Promise<RefreshOutcome> {
    const fresh = await Streamer.find(original.id)
    if (!fresh) {
      return failedOutcome(original, 'permanent', 'the streamer no longer exists')
    }
    adoptState(original, fresh)
    if (!fresh.isActive) {
      return inactiveOutcome(original)
    }

    const now = this.timing.now()
    const handled = handledMeanwhile(original, snapshot, now)
    if (handled) {
      return handled
    }
    if (!options.force) {
      const due = this.timing.dueDecision(fresh, now, nextTick)
      if (!due.due) {
        return { status: 'skipped', streamer: original, reason: due.reason, wouldRefresh: false }
      }
    }
    return this.#attempt(fresh, original, options)
  }

  /**
   * The call to Twitch, retried with backoff on transient failures.
   */
  async #attempt(
    fresh: Streamer,
    original: Streamer,
    options: RefreshOptions
  ): Promise<RefreshOutcome> {
    const refreshToken = fresh.refreshToken
    if (!refreshToken) {
      return this.recorder.permanentFailure(
        fresh,
        original,
        'no refresh token stored',
        options.trigger
      )
    }

    for (let attempt = 1; ; attempt++) {
      try {
        const tokens = await callTwitch(options, () => this.oauth.refresh(refreshToken))
        const expiresIn = await this.#expiresIn(tokens, options)
        return await this.recorder.success(fresh, original, tokens, expiresIn, options.trigger)
      } catch (error) {
        if (!(error instanceof TwitchError)) throw error
        if (error.status === 400 || error.status === 401) {
          return this.recorder.permanentFailure(fresh, original, error.message, options.trigger)
        }
        const retryAfterMs = error instanceof TwitchTransientError ? error.retryAfterMs : null
        if (error.status === 429 && retryAfterMs !== null) {
          options.limiter?.pauseFor(retryAfterMs)
        }
        // Other 4xx (403 bad client secret…) are the app's problem, not the
        // streamer's: reported, retried later, never counted toward deactivation.
        const delay =
          error instanceof TwitchTransientError
            ? this.timing.backoffDelay(attempt, retryAfterMs)
            : null
        if (delay === null) {
          const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`
          return this.recorder.transientFailure(
            fresh,
            original,
            `${error.message} (${tries})`,
            options.trigger
          )
        }
        await this.timing.wait(delay)
      }
    }
  }

  /**
   * The new token's lifetime. When Twitch leaves `expires_in` out, /validate
   * says it; an expiry nobody knows makes the token due next time.
   */
  async #expiresIn(tokens: TwitchTokenSet, options: RefreshOptions): Promise<number | null> {
    if (tokens.expiresIn !== null) return tokens.expiresIn
    return callTwitch(options, () => this.oauth.validate(tokens.accessToken))
      .then((validation) => validation?.expiresIn ?? null)
      .catch(() => null)
  }
}

function callTwitch<T>(options: RefreshOptions, call: () => Promise<T>): Promise<T> {
  return options.limiter ? options.limiter.run(call) : call()
}

function dryRunOutcome(
  streamer: Streamer,
  options: RefreshOptions,
  due: DueDecision
): RefreshOutcome {
  const why = options.force && !due.due ? `forced; ${due.reason}` : due.reason
  const noToken = streamer.refreshTokenEncrypted ? '' : '; no refresh token stored, it would fail'
  return { status: 'skipped', streamer, wouldRefresh: true, reason: `${why}${noToken}` }
}

/**
 * Did another flight deal with the streamer while this caller waited? Then
 * its result stands: no second call to Twitch (rotating refresh tokens), and
 * a failure it just recorded is not doubled into a deactivation.
 */
function handledMeanwhile(
  streamer: Streamer,
  snapshot: Snapshot,
  now: DateTime
): RefreshOutcome | null {
  const tokenChanged = streamer.accessTokenEncrypted !== snapshot.accessTokenEncrypted
  if (tokenChanged && !streamer.isTokenExpired(now)) {
    return {
      status: 'refreshed',
      streamer,
      concurrent: true,
      reason: `refreshed meanwhile by a concurrent caller, valid for ${formatDuration(
        streamer.tokenExpiresAt!.diff(now)
      )}`,
    }
  }
  const failedAtMs = streamer.tokenRefreshFailedAt?.toMillis() ?? null
  if (failedAtMs !== null && failedAtMs !== snapshot.tokenRefreshFailedAtMs) {
    return failedOutcome(
      streamer,
      'permanent',
      'a concurrent refresh failed permanently just now; retried in 15 min'
    )
  }
  return null
}
