/*
|--------------------------------------------------------------------------
| Token refresh scheduler
|--------------------------------------------------------------------------
|
| Preloaded for the `web` environment only (adonisrc.ts): the refresh
| cycles, the retry sweep and the hourly validation run in the web process,
| never in `node ace …` nor in tests. SCHEDULER_ENABLED=false turns it off
| (the command's due rule still knows the schedule).
*/
import app from '@adonisjs/core/services/app'
import tokensConfig from '#config/tokens'
import { TokenRefreshScheduler } from '#services/tokens/token_refresh_scheduler'
import { AuthorizationExpiryTask } from '#services/notifications/authorization_expiry_task'

// Started once the app is ready, so that a warm-up boot (`node ace codegen`)
// never starts long-running tasks.
if (tokensConfig.schedulerEnabled) {
  app.ready(async () => {
    const scheduler = await app.container.make(TokenRefreshScheduler)
    scheduler.start()
    // "Your poll authorization ends in 30 minutes", checked every minute
    const expiryNotices = await app.container.make(AuthorizationExpiryTask)
    expiryNotices.start()
    app.terminating(async () => {
      await expiryNotices.stop()
      await scheduler.stop()
    })
  })
}
