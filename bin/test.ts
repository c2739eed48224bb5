/*
|--------------------------------------------------------------------------
| Test runner entrypoint
|--------------------------------------------------------------------------
|
| Starts the project's Twitch emulator on a free port first and points
| TWITCH_OAUTH_URL / TWITCH_HELIX_URL at it (process variables win over
| .env files), so every suite reaches "Twitch" over real HTTP. Then boots
| the application in the test environment and runs Japa.
*/
process.env.NODE_ENV = 'test'

import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { configure, processCLIArgs, run } from '@japa/runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { armExitGuard } from '#tests/helpers/exit_guard'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

await twitchEmulator.listen(0)
process.env.TWITCH_OAUTH_URL = twitchEmulator.oauthUrl
process.env.TWITCH_HELIX_URL = twitchEmulator.helixUrl

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
  })
  .testRunner()
  .configure(async (app) => {
    const { runnerHooks, ...config } = await import('../tests/bootstrap.js')

    processCLIArgs(process.argv.splice(2))
    configure({
      ...app.rcFile.tests,
      ...config,
      ...{
        setup: runnerHooks.setup,
        teardown: [...runnerHooks.teardown, () => twitchEmulator.close()],
      },
    })
  })
  .run(async (app) => {
    try {
      await run()
    } finally {
      // Whatever a test left open, the run ends: the guard names it and exits.
      armExitGuard(30_000)
      // Close Redis, PostgreSQL and the rest so the process exits on its own.
      await app.terminate()
    }
  })
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
