import limiter from '@adonisjs/limiter/services/main'
import { type OverlaySettings } from '#services/overlays/overlay_settings'

export interface OverlayRateDecision {
  allowed: boolean
  /** Seconds until the address may ask again (0 when allowed). */
  retryAfterSeconds: number
}

/**
 * Bounds what one address may ask of overlays (pages, JSON state, live
 * channel subscriptions). Live subscriptions are not routes, so this is a
 * service rather than a named throttle, but it counts in the same limiter
 * store as every throttle (config/limiter.ts: Redis, so the count holds
 * across instances), under the `overlay_` keys.
 */
export class OverlayRateLimiter {
  async hit(address: string, settings: OverlaySettings): Promise<OverlayRateDecision> {
    const response = await this.#limiter(settings).increment(overlayKey(address))
    if (response.consumed <= response.limit) {
      return { allowed: true, retryAfterSeconds: 0 }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, response.availableIn) }
  }

  /** The limiter service keeps one limiter per shape: asking again is cheap. */
  #limiter(settings: OverlaySettings) {
    const { requests, windowSeconds } = settings.rateLimit
    return limiter.use({ requests, duration: windowSeconds })
  }
}

function overlayKey(address: string) {
  return `overlay_${address}`
}
