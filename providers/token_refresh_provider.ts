import type { ApplicationService } from '@adonisjs/core/types'
import { buildInjected } from '#providers/injected_singleton'

/**
 * The token refresh scheduler (cycles, retry sweep, hourly validation) and
 * the "authorization ends in 30 minutes" task, one instance each per
 * process. They run in the web process only, never in `node ace …` nor in
 * tests, and only when SCHEDULER_ENABLED is on (docs/token-policy.md).
 * Started once the app is ready, so a warm-up boot (`node ace codegen`)
 * never starts them; stopped on shutdown, waiting for a running job.
 */
export default class TokenRefreshProvider {
  #started = false

  constructor(protected app: ApplicationService) {}

  async register() {
    const { TokenRefreshScheduler } = await import('#services/tokens/token_refresh_scheduler')
    const { AuthorizationExpiryTask } =
      await import('#services/notifications/authorization_expiry_task')
    this.app.container.singleton(TokenRefreshScheduler, (resolver) =>
      buildInjected(resolver, TokenRefreshScheduler)
    )
    this.app.container.singleton(AuthorizationExpiryTask, (resolver) =>
      buildInjected(resolver, AuthorizationExpiryTask)
    )
  }

  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    const { TokenRefreshSettings } = await import('#services/tokens/token_refresh_settings')
    const settings = await this.app.container.make(TokenRefreshSettings)
    if (!settings.schedulerEnabled) return
    for (const loop of await this.#loops()) loop.start()
    this.#started = true
  }

  async shutdown() {
    if (!this.#started) return
    const loops = await this.#loops()
    for (const loop of loops.reverse()) await loop.stop()
  }

  async #loops() {
    const { TokenRefreshScheduler } = await import('#services/tokens/token_refresh_scheduler')
    const { AuthorizationExpiryTask } =
      await import('#services/notifications/authorization_expiry_task')
    return Promise.all([
      this.app.container.make(TokenRefreshScheduler),
      this.app.container.make(AuthorizationExpiryTask),
    ])
  }
}
