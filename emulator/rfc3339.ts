/**
 * Timestamps as EventSub writes them: RFC 3339 in UTC with nine fractional
 * digits. The clock gives milliseconds; the six digits below them come from
 * the process's high-resolution timer, so two messages sent within the same
 * millisecond still carry different timestamps, as Twitch's do.
 */
export function nanoTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString() // 2026-11-30T19:00:00.123Z
  const belowMs = (process.hrtime.bigint() % 1_000_000n).toString().padStart(6, '0')
  return `${iso.slice(0, -1)}${belowMs}Z`
}
