/*
|--------------------------------------------------------------------------
| Poll results watcher
|--------------------------------------------------------------------------
|
| Preloaded for the `web` environment only (adonisrc.ts): every web instance
| checks every few seconds that each running poll has a results poller (one
| per run across instances, by lock) and closes runs a crash left half-way.
*/
import app from '@adonisjs/core/services/app'
import { PollRunWatcher } from '#services/polls/poll_run_watcher'

// Started once the app is ready, so that a warm-up boot (`node ace codegen`)
// never starts long-running tasks.
app.ready(async () => {
  const watcher = await app.container.make(PollRunWatcher)
  watcher.start()
  app.terminating(async () => {
    await watcher.stop()
  })
})
