/**
 * Runs the Twitch emulator as a standalone process (the demo, manual testing):
 *
 *   node --import=@poppinss/ts-exec emulator/main.ts --port 3390
 *
 * Point the app at it with TWITCH_OAUTH_URL=<url>/oauth2 and
 * TWITCH_HELIX_URL=<url>/helix (and TWITCH_EVENTSUB_WS_URL=ws://<host:port>/ws for conduits).
 */
import { parseCli, USAGE } from './cli_options.js'
import type { CliSettings } from './cli_options.js'
import { createTwitchEmulator } from './server.js'

let settings: CliSettings
try {
  settings = parseCli(process.argv.slice(2), process.env)
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  console.error(USAGE)
  process.exit(1)
}

if (settings.help) {
  console.log(USAGE)
  process.exit(0)
}

const emulator = createTwitchEmulator(settings.options)
try {
  await emulator.listen(settings.port, settings.host)
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error)
  console.error(`Could not listen on ${settings.host}:${settings.port}: ${reason}`)
  process.exit(1)
}

const logins = emulator.state.users.list().map((user) => {
  const type = user.broadcasterType === '' ? 'no affiliate status' : user.broadcasterType
  return `  ${user.id}  ${user.login} (${type})`
})
console.log(`Twitch emulator listening on ${emulator.url}`)
console.log(`  TWITCH_OAUTH_URL=${emulator.oauthUrl}`)
console.log(`  TWITCH_HELIX_URL=${emulator.helixUrl}`)
console.log(`  TWITCH_EVENTSUB_WS_URL=${emulator.websocketUrl}`)
console.log(`  control API: ${emulator.url}/_emulator`)
console.log(`  home page (users, live polls, chat, EventSub): ${emulator.url}/`)
console.log(`Seeded users:\n${logins.join('\n')}`)

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) {
    return
  }
  stopping = true
  console.log(`${signal} received, stopping the Twitch emulator`)
  await emulator.close()
  process.exit(0)
}
process.once('SIGINT', () => void stop('SIGINT'))
process.once('SIGTERM', () => void stop('SIGTERM'))
