import type { DateTime } from 'luxon'

/**
 * The keepalive rule of an EventSub WebSocket session: Twitch sends a frame
 * (an event or a keepalive) at least every `keepalive_timeout_seconds`;
 * silence past that, plus a little grace, means the connection is dead.
 */
export class SessionWatch {
  #lastFrameAt: DateTime

  constructor(
    now: DateTime,
    private keepaliveSeconds: number,
    private graceMs: number
  ) {
    this.#lastFrameAt = now
  }

  /** Twitch said how long it may stay quiet (its welcome). */
  setKeepalive(seconds: number) {
    this.keepaliveSeconds = seconds
  }

  heard(now: DateTime) {
    this.#lastFrameAt = now
  }

  /** How long silence is tolerated from now on, in ms. */
  get toleranceMs() {
    return this.keepaliveSeconds * 1000 + this.graceMs
  }

  isSilent(now: DateTime): boolean {
    return now.toMillis() - this.#lastFrameAt.toMillis() > this.toleranceMs
  }
}

/** The wait before the attempt-th reconnection in a row (the last delay repeats). */
export function reconnectDelay(delaysMs: readonly number[], attempt: number): number {
  if (delaysMs.length === 0) return 0
  return delaysMs[Math.min(attempt, delaysMs.length - 1)]
}
