/*
 * npm run demo — Chorus on a fresh machine, in one command (docs/operations.md, "The demo").
 *
 * 1. creates .env from .env.example when missing; into a new or hand-made .env, generates
 *    whatever is empty: APP_KEY, VAPID keys, an EventSub secret (used only if the transport
 *    is switched to webhooks: the demo's Twitch events come over a conduit, the server
 *    opening a WebSocket session to the emulator). Checks the ports: PORT (and APP_URL) for
 *    the web server, the port of TWITCH_OAUTH_URL (and TWITCH_HELIX_URL) for the emulator.
 * 2. creates the PostgreSQL database when missing and migrates it
 * 3. starts the Twitch emulator (when TWITCH_OAUTH_URL points at this machine)
 *    with simulated viewers (votes in Twitch polls, and auto-chatters voting in
 *    the chat of a channel that votes in chat, such as plain_pat's: without them
 *    nobody votes there unless someone types on the emulator's home page), and
 *    the web server with the scheduler on
 * 4. prints the URL; Ctrl-C stops both
 */
import { spawn, spawnSync } from 'node:child_process'
import pg from 'pg'
import { demoPorts, prepareDemoEnv } from '#services/setup/demo_env'

const root = new URL('../', import.meta.url)
const envPath = new URL('.env', root)
const TS_LOADER = ['--import=@poppinss/ts-exec']

function step(message) {
  console.log(`\x1b[35m›\x1b[0m ${message}`)
}

function ace(...args) {
  const result = spawnSync(process.execPath, ['ace', ...args], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`node ace ${args.join(' ')} failed`)
    process.exit(result.status ?? 1)
  }
}

async function ensureDatabase(env) {
  const database = env.DB_DATABASE || 'chorus'
  const client = new pg.Client({
    host: env.DB_HOST || '127.0.0.1',
    port: Number(env.DB_PORT || 5432),
    user: env.DB_USER || 'postgres',
    password: env.DB_PASSWORD || undefined,
    database: 'postgres',
  })
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`)
      step(`created database ${database}`)
    }
  } finally {
    await client.end()
  }
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) })
      return true
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  return false
}

const prepared = await prepareDemoEnv(envPath, new URL('.env.example', root))
if (prepared.created) step('created .env from .env.example')
if (prepared.added.length > 0) step(`added to .env: ${prepared.added.join(', ')}`)
const env = prepared.env
const { emulator: port, problems } = demoPorts(env)
if (problems.length > 0) {
  for (const problem of problems) console.error(`✗ ${problem}`)
  process.exit(1)
}
await ensureDatabase(env)
ace('migration:run', '--force', '--no-schema-generate')

const children = []
if (port) {
  step(`starting the Twitch emulator on port ${port}`)
  children.push(
    spawn(
      process.execPath,
      [
        ...TS_LOADER,
        'emulator/main.ts',
        '--port',
        String(port),
        '--client-id',
        env.TWITCH_CLIENT_ID,
        '--client-secret',
        env.TWITCH_CLIENT_SECRET,
        '--auto-votes',
        '--auto-chat',
      ],
      { cwd: root, stdio: 'inherit' }
    )
  )
}

step('starting the web server')
children.push(
  spawn(process.execPath, [...TS_LOADER, 'bin/server.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      SCHEDULER_ENABLED: env.SCHEDULER_ENABLED ?? 'true',
      // Twitch events over a conduit: the server connects out, nothing to expose.
      TWITCH_EVENTSUB_TRANSPORT: env.TWITCH_EVENTSUB_TRANSPORT || 'conduit',
      TWITCH_EVENTSUB_WS_URL:
        env.TWITCH_EVENTSUB_WS_URL || (port ? `ws://127.0.0.1:${port}/ws` : ''),
    },
  })
)

function stopAll() {
  for (const child of children) child.kill('SIGTERM')
}
process.on('SIGINT', stopAll)
process.on('SIGTERM', stopAll)
for (const child of children) {
  child.on('exit', (code) => {
    if (code && code !== 0) {
      console.error(`a demo process exited with code ${code}; stopping`)
      stopAll()
      process.exitCode = code
    }
  })
}

const appUrl = env.APP_URL || `http://localhost:${env.PORT || 3333}`
if (await waitFor(appUrl, 60_000)) {
  console.log(`
  Chorus is running: \x1b[1m${appUrl}\x1b[0m
  ${
    port
      ? `Sign in with Twitch, then pick one of the emulator's streamers (aria_plays, bram_rolls, …).
  The emulator's home page (http://127.0.0.1:${port}/) shows its polls and chats, with a form to
  write in a channel's chat; its control API is at /_emulator (see emulator/README.md).
  Live results arrive as Twitch events, over the WebSocket session this server opened to the
  emulator (a conduit: no public address needed).`
      : 'Sign in with your Twitch account.'
  }
  Ctrl-C stops everything.
`)
} else {
  console.error(`The server did not answer on ${appUrl} within 60 s.`)
}
