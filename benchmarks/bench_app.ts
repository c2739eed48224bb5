import { Ignitor } from '@adonisjs/core'
import { BenchEmulator } from './bench_emulator.js'
import { unusedPort } from '#tests/helpers/ports'

const CLIENT = { clientId: 'chorus-bench-client', clientSecret: 'chorus-bench-secret' }
const WEBHOOK_SECRET = 'chorus-bench-eventsub-secret'
const APP_ROOT = new URL('../', import.meta.url)

/**
 * What every benchmark starts with: an emulator in its own process with the
 * given latency, then the app booted in the console environment against it,
 * against the benchmark's own database (created when missing and migrated)
 * and its own Redis database. Process variables win over .env, so
 * development and test data are never touched.
 *
 * `name` picks both: database `chorus_bench_<name>` and Redis database
 * `redisDb`, unless BENCH_<NAME>_DB_DATABASE or BENCH_<NAME>_REDIS_DB say
 * otherwise (without a name: chorus_bench, BENCH_DB_DATABASE, BENCH_REDIS_DB).
 *
 * With `webhooks`, a web instance (startWebInstance) is to take EventSub
 * webhooks on a free port (APP_URL): the benchmark process and the instance
 * agree on the callback and its secret. With `transport: 'conduit'` the
 * instances take Twitch's events over the emulator's EventSub WebSocket
 * instead (no secret, no callback).
 */
export async function startBenchApp(options: {
  latencyMs: number
  name?: string
  redisDb: number
  webhooks?: boolean
  transport?: 'webhook' | 'conduit'
}) {
  const prefix = options.name ? `BENCH_${options.name.toUpperCase()}` : 'BENCH'
  const database =
    process.env[`${prefix}_DB_DATABASE`] ??
    (options.name ? `chorus_bench_${options.name}` : 'chorus_bench')
  const redisDb = process.env[`${prefix}_REDIS_DB`] ?? String(options.redisDb)
  const emulator = await BenchEmulator.start({ latencyMs: options.latencyMs, ...CLIENT })
  if (options.webhooks) {
    const port = await unusedPort()
    const appUrl = `http://127.0.0.1:${port}`
    Object.assign(process.env, {
      TWITCH_EVENTSUB_SECRET: WEBHOOK_SECRET,
      TWITCH_EVENTSUB_CALLBACK_URL: `${appUrl}/webhooks/twitch/eventsub`,
      APP_URL: appUrl,
      PORT: String(port),
      SESSION_DRIVER: 'memory',
    })
    if (options.transport === 'conduit') {
      Object.assign(process.env, {
        TWITCH_EVENTSUB_TRANSPORT: 'conduit',
        TWITCH_EVENTSUB_SECRET: '',
        TWITCH_EVENTSUB_WS_URL: emulator.websocketUrl,
      })
    }
  }

  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    HOST: process.env.HOST ?? '127.0.0.1',
    APP_KEY: 'chorus-bench-key-only-for-the-benchmark-db',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    DB_DATABASE: database,
    REDIS_DB: redisDb,
    TWITCH_OAUTH_URL: emulator.oauthUrl,
    TWITCH_HELIX_URL: emulator.helixUrl,
    TWITCH_CLIENT_ID: CLIENT.clientId,
    TWITCH_CLIENT_SECRET: CLIENT.clientSecret,
  })

  const app = new Ignitor(APP_ROOT, {
    importer: (filePath: string) =>
      filePath.startsWith('./') || filePath.startsWith('../')
        ? import(new URL(filePath, APP_ROOT).href)
        : import(filePath),
  }).createApp('console')
  app.booting(async () => {
    await import('#start/env')
  })
  await app.init()
  await app.boot()
  await app.start(async () => {})
  try {
    // Imported once the app is booted: it reaches the database through Lucid.
    const { migrateBenchDatabase } = await import('./bench_database.js')
    await migrateBenchDatabase(app)
  } catch (error) {
    await app.terminate()
    await emulator.stop()
    throw error
  }

  return { app, emulator }
}
