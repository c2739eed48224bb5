import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { OverlayService } from '#services/overlays/overlay_service'
import { OverlaySettings } from '#services/overlays/overlay_settings'
import {
  OverlayRateLimiter,
  type OverlayRateDecision,
} from '#services/overlays/overlay_rate_limiter'

/** The header an overlay page sends its key in when it subscribes. */
const OVERLAY_KEY_HEADER = 'x-overlay-key'

/**
 * Who may open an overlay and listen to its live channel: nobody signs in,
 * the key is the only credential, and each address is rate-limited.
 */
@inject()
export class OverlayAccess {
  constructor(
    private overlays: OverlayService,
    private settings: OverlaySettings,
    private limiter: OverlayRateLimiter
  ) {}

  /** Counts one request of the caller's address. */
  admit(ctx: HttpContext): Promise<OverlayRateDecision> {
    return this.limiter.hit(ctx.request.ip(), this.settings)
  }

  /**
   * Transmit's authorization of `overlays/:channelId`: within the rate limit,
   * with the key of that very channel in the `X-Overlay-Key` header.
   */
  async mayListen(ctx: HttpContext, channelId: string) {
    const decision = await this.admit(ctx)
    if (!decision.allowed) return false
    return this.overlays.canListen(ctx.request.header(OVERLAY_KEY_HEADER), channelId)
  }
}
