import type { ApplicationService } from '@adonisjs/core/types'

/**
 * The overlays' process-wide state as a container singleton: the results
 * queue per run (OverlayBroadcaster). Before the app
 * terminates, results on their way are sent. See docs/overlay.md.
 */
export default class OverlayProvider {
  constructor(protected app: ApplicationService) {}

  async register() {
    const { OverlayBroadcaster } = await import('#services/overlays/overlay_broadcaster')
    this.app.container.singleton(OverlayBroadcaster, () => new OverlayBroadcaster())
  }

  async shutdown() {
    const { OverlayBroadcaster } = await import('#services/overlays/overlay_broadcaster')
    const broadcaster = await this.app.container.make(OverlayBroadcaster)
    await broadcaster.settled()
  }
}
