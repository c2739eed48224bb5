import type { ApplicationService } from '@adonisjs/core/types'

/**
 * The overlays' process-wide state as a container singleton: the results
 * queue per run (OverlayBroadcaster). Before the app
 * terminates, results on their way are sent. See docs/overlay.md.
 */
export default class OverlayProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    const { OverlayBroadcaster } = await import('#services/overlays/overlay_broadcaster')
    this.app.container.singleton(OverlayBroadcaster, () => new OverlayBroadcaster())
  }

  async ready() {
    const { OverlayBroadcaster } = await import('#services/overlays/overlay_broadcaster')
    this.app.terminating(async () => {
      const broadcaster = await this.app.container.make(OverlayBroadcaster)
      await broadcaster.settled()
    })
  }
}
