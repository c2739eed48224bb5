import { type DateTime, Duration } from 'luxon'

/**
 * The pure rules of the token policy (docs/token-policy.md), with every time passed in: no clock, no I/O.
 * The refresher, the command and the scheduler all decide through them.
 */

/** A second permanent failure within this window deactivates. */
const PERMANENT_FAILURE_WINDOW = Duration.fromObject({ minutes: 30 })

/** The retry sweep retries a first permanent failure this old. */
const RETRY_AFTER = Duration.fromObject({ minutes: 15 })

/** Below this much time left a token is always due. */
const MIN_TIME_LEFT = Duration.fromObject({ hours: 1 })

/** A token must outlive the next tick by this much to be skipped. */
const NEXT_TICK_MARGIN = Duration.fromObject({ minutes: 10 })

export interface DueDecision {
  due: boolean
  /** Why, for the command's report, e.g. "expires before the next tick (03:30) + 10 min". */
  reason: string
}

/**
 * The due rule: a token is skipped only when it has more than 1 h
 * left **and** is still valid at the next scheduled tick plus 10 minutes.
 * An unknown expiry is due.
 */
export function decideDue(input: {
  expiresAt: DateTime | null
  now: DateTime
  nextTick: DateTime
}): DueDecision {
  const { expiresAt, now, nextTick } = input
  if (!expiresAt) {
    return { due: true, reason: 'expiry unknown' }
  }
  const left = expiresAt.diff(now)
  if (left.toMillis() <= 0) {
    return { due: true, reason: 'expired' }
  }
  if (left.toMillis() <= MIN_TIME_LEFT.toMillis()) {
    return { due: true, reason: `${formatDuration(left)} left (1 h or less)` }
  }
  const tickLabel = nextTick.toFormat('HH:mm')
  if (expiresAt <= nextTick.plus(NEXT_TICK_MARGIN)) {
    return {
      due: true,
      reason: `${formatDuration(left)} left, expires before the next tick (${tickLabel}) + 10 min`,
    }
  }
  return {
    due: false,
    reason: `${formatDuration(left)} left, valid past the next tick (${tickLabel}) + 10 min`,
  }
}

type PermanentFailureDecision =
  | { action: 'mark_first_failure'; tokenRefreshFailedAt: DateTime }
  | { action: 'deactivate'; firstFailureAt: DateTime }

/**
 * What a permanent failure does, decided from the failure time stored
 * **before** this failure: the first one (none stored, or one 30 min old or
 * more) is only marked; a second one within 30 min deactivates.
 */
export function decidePermanentFailure(
  previousFailureAt: DateTime | null,
  now: DateTime
): PermanentFailureDecision {
  if (previousFailureAt && isWithinFailureWindow(previousFailureAt, now)) {
    return { action: 'deactivate', firstFailureAt: previousFailureAt }
  }
  return { action: 'mark_first_failure', tokenRefreshFailedAt: now }
}

/**
 * True while a recorded failure still makes the next one a second one.
 */
function isWithinFailureWindow(failedAt: DateTime, now: DateTime) {
  return now.diff(failedAt).toMillis() < PERMANENT_FAILURE_WINDOW.toMillis()
}

/**
 * The retry sweep's window: first failures at least 15 and less than
 * 30 minutes old. As bounds on `token_refresh_failed_at`:
 * `failedAfter < token_refresh_failed_at <= failedAtOrBefore`.
 */
export function retryWindow(now: DateTime) {
  return {
    failedAfter: now.minus(PERMANENT_FAILURE_WINDOW),
    failedAtOrBefore: now.minus(RETRY_AFTER),
  }
}

export interface BackoffSettings {
  /** Attempts in total within one refresh, the first included. */
  attempts: number
  /** First wait when Twitch gives no hint; doubled on each attempt. */
  baseDelayMs: number
  /** Longest wait without a hint. */
  maxDelayMs: number
  /** Longest Retry-After / Ratelimit-Reset honoured; beyond it the attempt gives up. */
  maxRetryAfterMs: number
}

/**
 * How long to wait before attempt `attempt + 1` after a transient failure
 *, or null to give up and report the failure. Twitch's own hint
 * (Retry-After, Ratelimit-Reset) wins over the exponential delay.
 */
export function transientRetryDelay(
  attempt: number,
  retryAfterMs: number | null,
  settings: BackoffSettings
): number | null {
  if (attempt >= settings.attempts) {
    return null
  }
  if (retryAfterMs !== null) {
    return retryAfterMs <= settings.maxRetryAfterMs ? retryAfterMs : null
  }
  return Math.min(settings.baseDelayMs * 2 ** (attempt - 1), settings.maxDelayMs)
}

/**
 * "3h05m", "12m", "45s": short enough for one report line.
 */
export function formatDuration(duration: Duration) {
  const totalSeconds = Math.max(0, Math.floor(duration.toMillis() / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`
  if (minutes > 0) return `${minutes}m`
  return `${totalSeconds}s`
}
