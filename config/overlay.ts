import env from '#start/env'

/**
 * The streamers' OBS overlays (docs/overlay.md). Services read these values
 * through `OverlaySettings`, which tests swap in the container.
 */
const overlayConfig = {
  /** Random bytes of a key: 32 bytes are 256 bits, 43 URL-safe characters. */
  keyBytes: 32,

  /** How long the winner stays on screen once a poll has ended. */
  winnerShowMs: 15_000,

  /**
   * Requests from one address per window to overlay pages, their JSON state
   * and subscriptions to their live channel, counted in Redis so the limit
   * holds across instances. An OBS scene or two reconnecting stay far below.
   */
  rateLimit: {
    requests: env.get('OVERLAY_REQUESTS_PER_MINUTE', 120),
    windowSeconds: 60,
  },
}

export default overlayConfig
