import type { RateLimitInfo } from '#services/twitch/twitch_http'

/**
 * What Twitch said about each channel's Helix bucket (`Ratelimit-*`
 * headers, 429 + Retry-After), shared by every reader in this process (a
 * container singleton, providers/live_results_provider.ts): a
 * channel whose bucket is nearly empty is not read again before its reset.
 * Buckets are per client and user, so they are keyed by the Twitch user id.
 */
export class HelixRateBook {
  #holds = new Map<string, number>()

  /** Epoch ms before which the channel should not be read, or 0. */
  heldUntil(twitchUserId: string, nowMs = Date.now()) {
    const until = this.#holds.get(twitchUserId) ?? 0
    if (until <= nowMs) {
      this.#holds.delete(twitchUserId)
      return 0
    }
    return until
  }

  /**
   * Records a successful answer's bucket: below `reserve` points left, the
   * channel waits for the reset.
   */
  record(twitchUserId: string, rateLimit: RateLimitInfo | null, reserve: number) {
    if (rateLimit && rateLimit.remaining <= reserve) {
      this.hold(twitchUserId, rateLimit.resetAt)
    }
  }

  hold(twitchUserId: string, untilMs: number) {
    this.#holds.set(twitchUserId, Math.max(untilMs, this.#holds.get(twitchUserId) ?? 0))
  }

  clear() {
    this.#holds.clear()
  }
}
