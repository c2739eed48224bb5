import redis from '@adonisjs/redis/services/main'
import { Limiter } from '@adonisjs/limiter'
import LimiterRedisStore from '@adonisjs/limiter/stores/redis'
import { type OverlaySettings } from '#services/overlays/overlay_settings'

export interface OverlayRateDecision {
  allowed: boolean
  /** Seconds until the address may ask again (0 when allowed). */
  retryAfterSeconds: number
}

/**
 * Bounds what one address may ask of overlays (pages, JSON state, live
 * channel subscriptions), with `@adonisjs/limiter` on the Redis store so the
 * count holds across instances. A container singleton (providers/overlay_provider.ts):
 * one limiter per process, rebuilt only when the settings change (tests).
 */
export class OverlayRateLimiter {
  #limiter: Limiter | null = null
  #builtFor = ''

  async hit(address: string, settings: OverlaySettings): Promise<OverlayRateDecision> {
    const response = await this.#current(settings).increment(`overlay:${address}`)
    if (response.consumed <= response.limit) {
      return { allowed: true, retryAfterSeconds: 0 }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, response.availableIn) }
  }

  /** Forgets an address's count (tests). */
  async reset(address: string, settings: OverlaySettings) {
    await this.#current(settings).delete(`overlay:${address}`)
  }

  #current(settings: OverlaySettings) {
    const { rateLimit } = settings
    const shape = `${rateLimit.requests}/${rateLimit.windowSeconds}`
    if (!this.#limiter || this.#builtFor !== shape) {
      this.#builtFor = shape
      this.#limiter = new Limiter(
        new LimiterRedisStore(redis.connection('main'), {
          keyPrefix: 'overlay_limit',
          requests: rateLimit.requests,
          duration: rateLimit.windowSeconds,
        })
      )
    }
    return this.#limiter
  }
}
