/** Twitch's default Helix budget: 800 points per minute per client and user. */
export const DEFAULT_RATE_LIMIT = 800

const WINDOW_MS = 60_000

export interface RateLimitVerdict {
  allowed: boolean
  headers: Record<string, string>
}

interface Bucket {
  /** Fractional points left; refills continuously. */
  points: number
  updatedAt: number
}

/**
 * A token bucket per client+user, refilled at `limit` points per minute, as
 * Twitch describes its Helix limiter. `Ratelimit-Reset` is when the bucket
 * will be full again (Unix seconds), which is also when a 429'd caller may
 * safely retry.
 */
export class RateLimiter {
  #buckets = new Map<string, Bucket>()

  private limit: number

  constructor(limit: number = DEFAULT_RATE_LIMIT) {
    this.limit = limit
  }

  get currentLimit(): number {
    return this.limit
  }

  /** A new limit starts every bucket afresh. */
  setLimit(limit: number): void {
    this.limit = limit
    this.#buckets.clear()
  }

  /** Spends one point if there is one; the headers describe the bucket after the request. */
  consume(key: string, now: number): RateLimitVerdict {
    const bucket = this.#refill(key, now)
    const allowed = bucket.points >= 1
    if (allowed) {
      bucket.points -= 1
    }
    const refillPerMs = this.limit / WINDOW_MS
    const fullAt = now + (this.limit - bucket.points) / refillPerMs
    return {
      allowed,
      headers: {
        'Ratelimit-Limit': String(this.limit),
        'Ratelimit-Remaining': String(Math.floor(bucket.points)),
        'Ratelimit-Reset': String(Math.ceil(fullAt / 1000)),
      },
    }
  }

  #refill(key: string, now: number): Bucket {
    const bucket = this.#buckets.get(key)
    if (!bucket) {
      const fresh = { points: this.limit, updatedAt: now }
      this.#buckets.set(key, fresh)
      return fresh
    }
    const elapsed = Math.max(0, now - bucket.updatedAt)
    bucket.points = Math.min(this.limit, bucket.points + (elapsed * this.limit) / WINDOW_MS)
    bucket.updatedAt = now
    return bucket
  }
}
