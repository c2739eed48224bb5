import { Ignitor } from '@adonisjs/core'
import { BenchEmulator } from './bench_emulator.js'

const CLIENT = { clientId: 'chorus-bench-client', clientSecret: 'chorus-bench-secret' }
const APP_ROOT = new URL('../', import.meta.url)

/**
 * What every benchmark starts with: an emulator in its own process with the
 * given latency, then the app booted in the console environment against it,
 * against its own database and its own Redis database. Process variables win
 * over .env, so development and test data are never touched.
 */
export async function startBenchApp(options: {
  latencyMs: number
  database: string
  redisDb: string
}) {
  const emulator = await BenchEmulator.start({ latencyMs: options.latencyMs, ...CLIENT })

  Object.assign(process.env, {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    HOST: process.env.HOST ?? '127.0.0.1',
    APP_KEY: 'chorus-bench-key-only-for-the-benchmark-db',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    DB_DATABASE: options.database,
    REDIS_DB: options.redisDb,
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

  return { app, emulator }
}
