import { DateTime } from 'luxon'
import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { NotificationService } from '#services/notifications/notification_service'
import { TwitchOAuthClient, type TwitchTokenSet } from '#services/twitch/twitch_oauth_client'
import { TwitchError, TwitchTransientError } from '#services/twitch/twitch_errors'
import { TwitchCallLimiter } from '#services/tokens/twitch_call_limiter'
import { RefreshSchedule } from '#services/tokens/refresh_schedule'
import { StreamerLock } from '#services/tokens/streamer_lock'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import {
  decideDue,
  decidePermanentFailure,
  formatDuration,
  retryWindow,
  transientRetryDelay,
  type DueDecision,
} from '#services/tokens/token_refresh_policy'
import {
  buildCycleReport,
  streamerLabel,
  type CycleReport,
  type FailedOutcome,
  type RefreshFailureKind,
  type RefreshOutcome,
  type RefreshTrigger,
} from '#services/tokens/refresh_outcome'

export interface RefreshOptions {
  /** Refresh even when the token is not due (§7 `--force`, a 401, a grant). */
  force?: boolean
  /** Decide only: no lock, no call to Twitch, no write. */
  dryRun?: boolean
  trigger?: RefreshTrigger
  /** The next scheduled tick for the due rule; computed from the clock when absent. */
  nextTick?: DateTime
  /** Shared by the workers of a cycle: calls in flight, Twitch's rate-limit answers. */
  limiter?: TwitchCallLimiter
}

export interface CycleOptions {
  force?: boolean
  dryRun?: boolean
  trigger?: RefreshTrigger
  /** The scheduled tick this cycle runs for (the due rule looks past it). */
  tickAt?: DateTime
  concurrency?: number
  /** Called after each streamer, for progress output. */
  onProgress?: (done: number, total: number, outcome: RefreshOutcome) => void
}

/**
 * What the caller saw before waiting for the lock: if any of it changed by
 * the time the lock is held, another flight dealt with the streamer.
 */
interface Snapshot {
  accessTokenEncrypted: string | null
  tokenRefreshFailedAtMs: number | null
}

/** Cycle workers per Twitch slot (see runCycle). */
const WORKERS_PER_SLOT = 2

/** Columns a refresh changes, copied back onto the caller's model instance. */
const REFRESH_COLUMNS = [
  'accessTokenEncrypted',
  'refreshTokenEncrypted',
  'tokenExpiresAt',
  'lastTokenRefreshAt',
  'tokenRefreshFailedAt',
  'isActive',
  'scopes',
  'updatedAt',
] as const

/**
 * The token refresh policy of SPEC §5, for every path that refreshes: grant,
 * scheduler, retry sweep, health check, command and a Helix 401.
 *
 * Per streamer: one Redis lock (single flight across processes), one re-read
 * under the lock, one call to Twitch (with bounded retries for transient
 * failures) and one write.
 */
@inject()
export class TokenRefreshService {
  readonly schedule: RefreshSchedule

  constructor(
    private clock: Clock,
    private settings: TokenRefreshSettings,
    private oauth: TwitchOAuthClient,
    private streamerLock: StreamerLock,
    private notifications: NotificationService,
    private retryQueue: TransientRetryQueue
  ) {
    this.schedule = new RefreshSchedule(settings.timezone)
  }

  /**
   * The next refresh tick after `after` (default: now), scheduler on or off.
   */
  nextTick(after: DateTime = this.clock.now()) {
    return this.schedule.nextTickAfter(after)
  }

  /**
   * The due rule (§5.6) for one streamer.
   */
  dueDecision(streamer: Streamer, now = this.clock.now(), nextTick = this.nextTick(now)) {
    return decideDue({ expiresAt: streamer.tokenExpiresAt, now, nextTick })
  }

  /**
   * Streamers with active authorization (SPEC §4), in id order.
   */
  async findStreamersWithActiveAuthorization(): Promise<Streamer[]> {
    const now = this.clock.now()
    return Streamer.query()
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .orderBy('id')
  }

  /**
   * What the retry sweep retries now: active streamers whose first permanent
   * failure is 15 to 30 minutes old (§5.4), and those whose transient
   * failure is due for another try (§5.3) — unless they also carry a
   * permanent failure younger than 15 minutes, which waits for its own turn.
   */
  async findStreamersNeedingRetry(): Promise<Streamer[]> {
    const now = this.clock.now()
    const { failedAfter, failedAtOrBefore } = retryWindow(now)
    const transientIds = await this.retryQueue.dueIds(now)

    const streamers = await Streamer.query()
      .where('is_active', true)
      .where((retry) => {
        retry.where((permanent) => {
          permanent
            .where('token_refresh_failed_at', '>', failedAfter.toSQL()!)
            .where('token_refresh_failed_at', '<=', failedAtOrBefore.toSQL()!)
        })
        if (transientIds.length > 0) {
          retry.orWhere((transient) => {
            transient.whereIn('id', transientIds).where((noRecentMark) => {
              noRecentMark
                .whereNull('token_refresh_failed_at')
                .orWhere('token_refresh_failed_at', '<=', failedAtOrBefore.toSQL()!)
            })
          })
        }
      })
      .orderBy('id')

    // Queued ids that are gone, inactive or waiting for their 15 minutes drop
    // out of the queue; the permanent-failure window covers the last ones.
    const selected = new Set(streamers.map((streamer) => streamer.id))
    for (const id of transientIds.filter((queued) => !selected.has(queued))) {
      await this.retryQueue.remove(id)
    }
    return streamers
  }

  /**
   * Refreshes one streamer under the policy. Never throws for a Twitch
   * failure: the outcome says what happened. The given model is updated with
   * the streamer's new state.
   */
  async refreshStreamer(streamer: Streamer, options: RefreshOptions = {}): Promise<RefreshOutcome> {
    const now = this.clock.now()
    const nextTick = options.nextTick ?? this.nextTick(now)
    const snapshot: Snapshot = {
      accessTokenEncrypted: streamer.accessTokenEncrypted,
      tokenRefreshFailedAtMs: streamer.tokenRefreshFailedAt?.toMillis() ?? null,
    }

    if (!streamer.isActive) {
      return options.dryRun
        ? { status: 'skipped', streamer, reason: INACTIVE_REASON, wouldRefresh: false }
        : inactiveOutcome(streamer)
    }
    if (!options.force) {
      const due = decideDue({ expiresAt: streamer.tokenExpiresAt, now, nextTick })
      if (!due.due) {
        return { status: 'skipped', streamer, reason: due.reason, wouldRefresh: false }
      }
    }
    if (options.dryRun) {
      return this.#dryRunOutcome(streamer, options, now, nextTick)
    }

    const locked = await this.streamerLock.run(streamer.id, () =>
      this.#refreshLocked(streamer, snapshot, options, nextTick)
    )
    if (!locked.acquired) {
      return this.#transientFailure(
        streamer,
        streamer,
        'another refresh of this streamer is still running (lock wait timed out)',
        options
      )
    }
    return locked.value
  }

  /**
   * One streamer by id; null when there is no such streamer.
   */
  async refreshStreamerById(streamerId: number, options: RefreshOptions = {}) {
    const streamer = await Streamer.find(streamerId)
    return streamer ? this.refreshStreamer(streamer, options) : null
  }

  /**
   * Refreshes a set of streamers with bounded concurrency (§6) and reports.
   * One streamer's error never stops the others.
   */
  async runCycle(streamers: Streamer[], options: CycleOptions = {}): Promise<CycleReport> {
    const startedAt = this.clock.now()
    const reference = options.tickAt && options.tickAt > startedAt ? options.tickAt : startedAt
    const nextTick = this.nextTick(reference)
    const concurrency = options.concurrency ?? this.settings.concurrency
    const limiter = new TwitchCallLimiter(concurrency)
    let done = 0

    // Twice as many workers as Twitch slots: a worker's lock, re-read and
    // write overlap another worker's call, and Twitch still sees at most
    // `concurrency` refreshes at once.
    const outcomes = await mapWithConcurrency(
      streamers,
      concurrency * WORKERS_PER_SLOT,
      async (streamer) => {
        let outcome: RefreshOutcome
        try {
          outcome = await this.refreshStreamer(streamer, {
            force: options.force,
            dryRun: options.dryRun,
            trigger: options.trigger,
            nextTick,
            limiter,
          })
        } catch (error) {
          logger.error(
            { streamerId: streamer.id, error: errorMessage(error) },
            '[TokenRefresh] unexpected error while refreshing a streamer'
          )
          outcome = failed(streamer, 'transient', `unexpected error: ${errorMessage(error)}`)
        }
        done++
        options.onProgress?.(done, streamers.length, outcome)
        return outcome
      }
    )
    return buildCycleReport(outcomes, startedAt, this.clock.now())
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
      return failed(original, 'permanent', 'the streamer no longer exists')
    }
    adoptState(original, fresh)
    if (!fresh.isActive) {
      return inactiveOutcome(original)
    }

    const now = this.clock.now()
    const handled = handledMeanwhile(original, snapshot, now)
    if (handled) {
      return handled
    }
    if (!options.force) {
      const due = decideDue({ expiresAt: fresh.tokenExpiresAt, now, nextTick })
      if (!due.due) {
        return { status: 'skipped', streamer: original, reason: due.reason, wouldRefresh: false }
      }
    }
    return this.#attempt(fresh, original, options)
  }

  /**
   * The call to Twitch, retried with backoff on transient failures (§5.3).
   */
  async #attempt(
    fresh: Streamer,
    original: Streamer,
    options: RefreshOptions
  ): Promise<RefreshOutcome> {
    const refreshToken = fresh.refreshToken
    if (!refreshToken) {
      return this.#permanentFailure(fresh, original, 'no refresh token stored', options)
    }

    for (let attempt = 1; ; attempt++) {
      try {
        const tokens = await this.#callTwitch(options, () => this.oauth.refresh(refreshToken))
        return await this.#success(fresh, original, tokens, options)
      } catch (error) {
        if (!(error instanceof TwitchError)) throw error
        if (error.status === 400 || error.status === 401) {
          return this.#permanentFailure(fresh, original, error.message, options)
        }
        const retryAfterMs = error instanceof TwitchTransientError ? error.retryAfterMs : null
        if (error.status === 429 && retryAfterMs !== null) {
          options.limiter?.pauseFor(retryAfterMs)
        }
        // Other 4xx (403 bad client secret…) are the app's problem, not the
        // streamer's: reported, retried later, never counted toward deactivation.
        const delay =
          error instanceof TwitchTransientError
            ? transientRetryDelay(attempt, retryAfterMs, this.settings.backoff)
            : null
        if (delay === null) {
          const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`
          return this.#transientFailure(fresh, original, `${error.message} (${tries})`, options)
        }
        await sleep(delay)
      }
    }
  }

  /**
   * §5.1: new access and refresh tokens, expiry, refresh time and a cleared
   * failure mark, in one write.
   */
  async #success(
    fresh: Streamer,
    original: Streamer,
    tokens: TwitchTokenSet,
    options: RefreshOptions
  ): Promise<RefreshOutcome> {
    let expiresIn = tokens.expiresIn
    if (expiresIn === null) {
      // Twitch left expires_in out: ask /validate (an unknown expiry is due next time).
      expiresIn = await this.#callTwitch(options, () => this.oauth.validate(tokens.accessToken))
        .then((validation) => validation?.expiresIn ?? null)
        .catch(() => null)
    }

    const now = this.clock.now()
    fresh.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken })
    fresh.tokenExpiresAt = expiresIn !== null ? now.plus({ seconds: expiresIn }) : null
    fresh.lastTokenRefreshAt = now
    fresh.tokenRefreshFailedAt = null
    if (tokens.scopes.length > 0) {
      fresh.scopes = tokens.scopes
    }
    await saveTwice(fresh)
    adoptState(original, fresh)
    await this.retryQueue.remove(fresh.id)

    logger.debug(
      { streamerId: fresh.id, trigger: options.trigger },
      `[TokenRefresh] ${streamerLabel(fresh)} refreshed`
    )
    return {
      status: 'refreshed',
      streamer: original,
      concurrent: false,
      reason:
        expiresIn !== null
          ? `new token valid for ${formatDuration(fresh.tokenExpiresAt!.diff(now))}`
          : 'new token stored, expiry unknown (Twitch did not say)',
    }
  }

  /**
   * §5.2, decided on the failure time stored before this failure.
   */
  async #permanentFailure(
    fresh: Streamer,
    original: Streamer,
    why: string,
    options: RefreshOptions
  ): Promise<FailedOutcome> {
    const now = this.clock.now()
    const decision = decidePermanentFailure(fresh.tokenRefreshFailedAt, now)

    if (decision.action === 'mark_first_failure') {
      fresh.tokenRefreshFailedAt = decision.tokenRefreshFailedAt
      await fresh.save()
      adoptState(original, fresh)
      await this.retryQueue.remove(fresh.id)
      logger.warn(
        { streamerId: fresh.id, trigger: options.trigger },
        `[TokenRefresh] ${streamerLabel(fresh)}: first permanent refresh failure (${why})`
      )
      return failed(original, 'permanent', `${why}; first failure, retried in 15 min`)
    }

    fresh.isActive = false
    fresh.tokenRefreshFailedAt = null
    await fresh.save()
    adoptState(original, fresh)
    await this.retryQueue.remove(fresh.id)
    logger.warn(
      { streamerId: fresh.id, trigger: options.trigger },
      `[TokenRefresh] ${streamerLabel(fresh)} deactivated: second permanent refresh failure within 30 min (${why})`
    )
    let notified = 'streamer and GMs notified'
    try {
      await this.notifications.notifyStreamerDeactivated(fresh)
    } catch (error) {
      notified = 'notifications could not be written'
      logger.error(
        { streamerId: fresh.id, error: errorMessage(error) },
        '[TokenRefresh] could not write the deactivation notifications'
      )
    }
    return {
      ...failed(
        original,
        'permanent',
        `${why}; second failure within 30 min: deactivated, ${notified}`
      ),
      deactivated: true,
    }
  }

  /**
   * §5.3: reported, queued for the sweep, no mark on the streamer.
   */
  async #transientFailure(
    fresh: Streamer,
    original: Streamer,
    why: string,
    options: RefreshOptions
  ): Promise<FailedOutcome> {
    const minutes = this.settings.transientRetryDelayMinutes
    await this.retryQueue.schedule(fresh.id, this.clock.now().plus({ minutes }))
    logger.warn(
      { streamerId: fresh.id, trigger: options.trigger },
      `[TokenRefresh] ${streamerLabel(fresh)}: transient refresh failure (${why})`
    )
    return failed(original, 'transient', `${why}; retried by the sweep in ${minutes} min`)
  }

  #callTwitch<T>(options: RefreshOptions, call: () => Promise<T>): Promise<T> {
    return options.limiter ? options.limiter.run(call) : call()
  }

  #dryRunOutcome(
    streamer: Streamer,
    options: RefreshOptions,
    now: DateTime,
    nextTick: DateTime
  ): RefreshOutcome {
    const due: DueDecision = decideDue({ expiresAt: streamer.tokenExpiresAt, now, nextTick })
    const why = options.force && !due.due ? `forced; ${due.reason}` : due.reason
    const noToken = streamer.refreshTokenEncrypted ? '' : '; no refresh token stored, it would fail'
    return { status: 'skipped', streamer, wouldRefresh: true, reason: `${why}${noToken}` }
  }
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
    return failed(
      streamer,
      'permanent',
      'a concurrent refresh failed permanently just now; retried in 15 min'
    )
  }
  return null
}

const INACTIVE_REASON = 'deactivated: the streamer must reconnect with Twitch'

function inactiveOutcome(streamer: Streamer): FailedOutcome {
  return failed(streamer, 'permanent', INACTIVE_REASON)
}

function failed(streamer: Streamer, kind: RefreshFailureKind, reason: string): FailedOutcome {
  return { status: 'failed', streamer, kind, reason, deactivated: false }
}

/**
 * Keeps the caller's model instance in step with what was stored.
 */
function adoptState(target: Streamer, source: Streamer) {
  if (target === source) return
  for (const column of REFRESH_COLUMNS) {
    target.$attributes[column] = source.$attributes[column]
    target.$original[column] = source.$original[column]
  }
}

/**
 * Twitch already rotated the refresh token: losing this write would strand
 * the streamer, so a failed write is tried once more.
 */
async function saveTwice(streamer: Streamer) {
  try {
    await streamer.save()
  } catch (error) {
    logger.error(
      { streamerId: streamer.id, error: errorMessage(error) },
      '[TokenRefresh] saving refreshed tokens failed, trying once more'
    )
    await streamer.save()
  }
}

function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : String(error)
}
