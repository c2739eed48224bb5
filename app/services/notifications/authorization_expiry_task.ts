import cron, { type ScheduledTask } from 'node-cron'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { AuthorizationExpiryNotifier } from '#services/notifications/authorization_expiry_notifier'
import { errorMessage } from '#services/error_message'

/** The "authorization ends in 30 minutes" check runs every minute. */
const AUTHORIZATION_EXPIRY_EXPRESSION = '* * * * *'

/**
 * Runs the AuthorizationExpiryNotifier every minute in the web process
 * (started by providers/token_refresh_provider.ts). Every instance may run it: the notifier
 * claims each grant in the database, so a streamer is told once.
 */
@inject()
export class AuthorizationExpiryTask {
  #task: ScheduledTask | null = null
  #running: Promise<void> | null = null

  constructor(private notifier: AuthorizationExpiryNotifier) {}

  start() {
    if (this.#task) return
    this.#task = cron.schedule(AUTHORIZATION_EXPIRY_EXPRESSION, () => this.runOnce(), {
      name: 'authorization-expiry-notices',
      noOverlap: true,
    })
  }

  /** One check; never throws (a failure is logged and the next minute tries again). */
  async runOnce() {
    this.#running = this.notifier
      .run()
      .then(() => undefined)
      .catch((error: unknown) => {
        logger.error(
          { error: errorMessage(error) },
          '[Notifications] authorization expiry check failed'
        )
      })
    await this.#running
  }

  async stop() {
    const task = this.#task
    this.#task = null
    await task?.destroy()
    await this.#running
  }
}
