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
  | 'manual'

export type RefreshFailureKind = 'permanent' | 'transient'

interface OutcomeBase {
  /** The streamer as it is now (re-read under the lock when one was taken). */
  streamer: Streamer
  /** One human sentence, never a token. */
  reason: string
}

export interface RefreshedOutcome extends OutcomeBase {
  status: 'refreshed'
  /** Another caller refreshed it while this one waited: no second call to Twitch. */
  concurrent: boolean
}

export interface SkippedOutcome extends OutcomeBase {
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
  /** Streamers deactivated by this cycle (also counted in `failed`). */
  deactivated: number
  outcomes: RefreshOutcome[]
  /** One line per streamer: `- DisplayName (login): outcome: reason`. */
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

export function outcomeLine(outcome: RefreshOutcome) {
  return `- ${streamerLabel(outcome.streamer)}: ${outcomeStatusLabel(outcome)}: ${outcome.reason}`
}

function outcomeStatusLabel(outcome: RefreshOutcome) {
  switch (outcome.status) {
    case 'refreshed':
      return 'refreshed'
    case 'skipped':
      return outcome.wouldRefresh ? 'would refresh' : 'skipped'
    case 'failed':
      return outcome.deactivated ? 'failed (permanent, deactivated)' : `failed (${outcome.kind})`
  }
}

export function buildCycleReport(
  outcomes: RefreshOutcome[],
  startedAt: DateTime,
  finishedAt: DateTime
): CycleReport {
  const count = (status: RefreshOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length
  return {
    total: outcomes.length,
    success: count('refreshed'),
    failed: count('failed'),
    skipped: count('skipped'),
    deactivated: outcomes.filter((outcome) => outcome.status === 'failed' && outcome.deactivated)
      .length,
    outcomes,
    lines: outcomes.map(outcomeLine),
    startedAt,
    finishedAt,
  }
}

/**
 * `total=N success=N failed=N skipped=N`, the tail of the scheduler's log line.
 */
export function reportCounts(
  report: Pick<CycleReport, 'total' | 'success' | 'failed' | 'skipped'>
) {
  return `total=${report.total} success=${report.success} failed=${report.failed} skipped=${report.skipped}`
}
