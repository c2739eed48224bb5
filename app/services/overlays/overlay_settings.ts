import overlayConfig from '#config/overlay'

/**
 * The knobs of overlays, read from config/overlay.ts. Injectable: tests swap
 * in other values with
 * `app.container.swap(OverlaySettings, () => new OverlaySettings({ ... }))`.
 */
export class OverlaySettings {
  keyBytes: number = overlayConfig.keyBytes
  winnerShowMs: number = overlayConfig.winnerShowMs
  rateLimit: { requests: number; windowSeconds: number } = { ...overlayConfig.rateLimit }

  constructor(overrides: Partial<OverlaySettings> = {}) {
    Object.assign(this, overrides)
  }
}
