import type { DateTime } from 'luxon'
import type Streamer from '#models/streamer'
import { printable } from '#services/twitch/printable_text'

/**
 * Who asked for a refresh; kept in logs so an operator can tell a cycle from
 * a Helix 401 or a grant.
 */
export type RefreshTrigger =
  | 'scheduler'
  | 'retry_sweep'
  | 'command'
  | 'grant'
  | 'health_check'
  | 'validation'
  | 'helix_401'
  | 'helix_call'

type RefreshFailureKind = 'permanent' | 'transient'

interface OutcomeBase {
  /** The streamer as it is now (re-read under the lock when one was taken). */
  streamer: Streamer
  /** One human sentence, never a token. */
  reason: string
}

interface RefreshedOutcome extends OutcomeBase {
  status: 'refreshed'
  /** Another caller refreshed it while this one waited: no second call to Twitch. */
  concurrent: boolean
}

interface SkippedOutcome extends OutcomeBase {
  status: 'skipped'
  /** Dry run: the refresh that would have happened. */
  wouldRefresh: boolean
}

export interface FailedOutcome extends OutcomeBase {
  status: 'failed'
  kind: RefreshFailureKind
  /** This failure deactivated the streamer (second permanent failure). */
  deactivated: boolean
}

export type RefreshOutcome = RefreshedOutcome | SkippedOutcome | FailedOutcome

export interface CycleReport {
  total: number
  success: number
  failed: number
  skipped: number
  /** Dry run: the skipped streamers a real run would have refreshed (also counted in `skipped`). */
  wouldRefresh: number
  /** Streamers deactivated by this cycle (also counted in `failed`). */
  deactivated: number
  /**
   * One line per streamer, `- DisplayName (login): outcome: reason · ids`,
   * when the caller asked for them (the command prints them); empty
   * otherwise, so a cycle holds nothing per streamer.
   */
  lines: string[]
  startedAt: DateTime
  finishedAt: DateTime
}

/**
 * How the command's output and the log name a streamer. Names are chosen on
 * Twitch: printed without control characters so none can forge a line.
 */
export function streamerLabel(streamer: Streamer) {
  const login = printable(streamer.twitchLogin)
  return `${printable(streamer.twitchDisplayName) || login} (${login})`
}

/** `id 12, Twitch user id 1001`: either can be passed back to `token:refresh`. */
export function streamerIds(streamer: Pick<Streamer, 'id' | 'twitchUserId'>) {
  return `id ${streamer.id}, Twitch user id ${printable(streamer.twitchUserId)}`
}

function outcomeLine(outcome: RefreshOutcome) {
  const { streamer } = outcome
  return `- ${streamerLabel(streamer)}: ${outcomeStatusLabel(outcome)}: ${outcome.reason} · ${streamerIds(streamer)}`
}

function outcomeStatusLabel(outcome: RefreshOutcome) {
  switch (outcome.status) {
    case 'refreshed':
      return 'refreshed'
    case 'skipped':
      // A dry run skips everyone; it says which of them a real run would refresh.
      return outcome.wouldRefresh ? 'skipped (dry run), would refresh' : 'skipped'
    case 'failed':
      return outcome.deactivated ? 'failed (permanent, deactivated)' : `failed (${outcome.kind})`
  }
}

/**
 * Counts the outcomes of a cycle as they come, keeping no streamer.
 */
export class CycleTally {
  total = 0
  success = 0
  failed = 0
  skipped = 0
  wouldRefresh = 0
  deactivated = 0
  readonly lines: string[] = []

  constructor(private keepLines: boolean) {}

  add(outcome: RefreshOutcome) {
    this.total++
    if (outcome.status === 'refreshed') this.success++
    if (outcome.status === 'skipped') {
      this.skipped++
      if (outcome.wouldRefresh) this.wouldRefresh++
    }
    if (outcome.status === 'failed') {
      this.failed++
      if (outcome.deactivated) this.deactivated++
    }
    if (this.keepLines) this.lines.push(outcomeLine(outcome))
  }

  report(startedAt: DateTime, finishedAt: DateTime): CycleReport {
    const { total, success, failed, skipped, wouldRefresh, deactivated, lines } = this
    return {
      total,
      success,
      failed,
      skipped,
      wouldRefresh,
      deactivated,
      lines,
      startedAt,
      finishedAt,
    }
  }
}

export const INACTIVE_REASON = 'deactivated: the streamer needs to reconnect with Twitch'

export function failedOutcome(
  streamer: Streamer,
  kind: RefreshFailureKind,
  reason: string
): FailedOutcome {
  return { status: 'failed', streamer, kind, reason, deactivated: false }
}

export function inactiveOutcome(streamer: Streamer): FailedOutcome {
  return failedOutcome(streamer, 'permanent', INACTIVE_REASON)
}

/**
 * `total=N success=N failed=N skipped=N`, the tail of the scheduler's log line.
 */
export function reportCounts(
  report: Pick<CycleReport, 'total' | 'success' | 'failed' | 'skipped'>
) {
  return `total=${report.total} success=${report.success} failed=${report.failed} skipped=${report.skipped}`
}
