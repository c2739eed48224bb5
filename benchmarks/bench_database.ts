import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import encryption from '@adonisjs/core/services/encryption'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import type { ApplicationService } from '@adonisjs/core/types'
import env from '#start/env'
import type { BenchEmulator, BenchTokens } from './bench_emulator.js'

const CHUNK = 500

/**
 * Creates the benchmark's own database when missing, so a run never touches
 * development or test data.
 */
export async function ensureDatabase(connection: {
  host: string
  port: number
  user: string
  password: string
  database: string
}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(connection.database)) {
    throw new Error(`Refusing an unusual database name: ${connection.database}`)
  }
  // A short-lived connection to the maintenance database, through Lucid.
  db.manager.add('bench_admin', {
    client: 'pg',
    connection: { ...connection, database: 'postgres' },
    pool: { min: 0, max: 1 },
  })
  try {
    const admin = db.connection('bench_admin')
    const found = await admin.rawQuery('SELECT 1 FROM pg_database WHERE datname = ?', [
      connection.database,
    ])
    if (found.rows.length === 0) {
      await admin.rawQuery(`CREATE DATABASE ${connection.database}`)
    }
  } finally {
    await db.manager.close('bench_admin', true)
  }
}

/**
 * The benchmark's database (DB_DATABASE, set by startBenchApp), created when
 * missing and migrated.
 */
export async function migrateBenchDatabase(app: ApplicationService) {
  const database = env.get('DB_DATABASE')
  if (!database) throw new Error('DB_DATABASE is not set')
  await ensureDatabase({
    host: env.get('DB_HOST', '127.0.0.1'),
    port: env.get('DB_PORT', 5432),
    user: env.get('DB_USER', 'postgres'),
    password: env.get('DB_PASSWORD', ''),
    database,
  })
  const migrator = new MigrationRunner(db, app, { direction: 'up' })
  await migrator.run()
  if (migrator.error) throw migrator.error
}

/**
 * A run starts from nothing: empty tables, the emulator as it started, and
 * none of the Redis keys `redisPatterns` match (left by a previous run).
 */
export async function resetBenchData(emulator: BenchEmulator, redisPatterns: string[]) {
  await emptyTables()
  await emulator.reset()
  for (const pattern of redisPatterns) {
    const keys = await redis.keys(pattern)
    if (keys.length > 0) await redis.del(...keys)
  }
}

/**
 * Empties every application table of the benchmark database.
 */
export async function emptyTables() {
  const rows: { tablename: string }[] = await db
    .from('pg_tables')
    .where('schemaname', 'public')
    .whereNot('tablename', 'like', 'adonis_schema%')
    .select('tablename')
  if (rows.length === 0) return
  const tables = rows.map((row) => `"${row.tablename}"`).join(', ')
  await db.rawQuery(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`)
}

/** What Chorus holds of a streamer who signed in before chat voting: polls only. */
const POLL_SCOPES = ['channel:manage:polls', 'channel:read:polls']

/**
 * One GM, one campaign, and a streamer per token set with an active poll
 * authorization and a token that expires in 10 minutes (all due). Affiliates
 * who granted the poll scopes unless `channels` says otherwise.
 */
export async function seedStreamers(
  tokens: BenchTokens[],
  now: DateTime,
  channels: { broadcasterType?: string; scopes?: readonly string[] } = {}
) {
  const [gm] = await db
    .table('users')
    .insert({ display_name: 'Bench GM', created_at: now.toJSDate(), updated_at: now.toJSDate() })
    .returning('id')
  const [campaign] = await db
    .table('campaigns')
    .insert({
      owner_id: gm.id,
      name: 'Bench campaign',
      description: '',
      created_at: now.toJSDate(),
      updated_at: now.toJSDate(),
    })
    .returning('id')

  for (let start = 0; start < tokens.length; start += CHUNK) {
    const chunk = tokens.slice(start, start + CHUNK)
    const users: { id: number }[] = await db
      .table('users')
      .multiInsert(
        chunk.map((token) => ({
          display_name: token.login,
          created_at: now.toJSDate(),
          updated_at: now.toJSDate(),
        }))
      )
      .returning('id')
    const streamers: { id: number }[] = await db
      .table('streamers')
      .multiInsert(
        chunk.map((token, index) => ({
          user_id: users[index].id,
          twitch_user_id: token.twitchUserId,
          twitch_login: token.login,
          twitch_display_name: token.login,
          broadcaster_type: channels.broadcasterType ?? 'affiliate',
          scopes: JSON.stringify(channels.scopes ?? POLL_SCOPES),
          access_token_encrypted: encryption.encrypt(token.accessToken),
          refresh_token_encrypted: encryption.encrypt(token.refreshToken),
          is_active: true,
          token_expires_at: now.plus({ minutes: 10 }).toJSDate(),
          last_token_refresh_at: now.minus({ hours: 4 }).toJSDate(),
          created_at: now.toJSDate(),
          updated_at: now.toJSDate(),
        }))
      )
      .returning('id')
    await db.table('campaign_memberships').multiInsert(
      streamers.map((streamer) => ({
        campaign_id: campaign.id,
        streamer_id: streamer.id,
        status: 'active',
        invited_at: now.minus({ days: 1 }).toJSDate(),
        accepted_at: now.minus({ days: 1 }).toJSDate(),
        poll_authorization_granted_at: now.minus({ hours: 1 }).toJSDate(),
        poll_authorization_expires_at: now.plus({ hours: 11 }).toJSDate(),
        created_at: now.toJSDate(),
        updated_at: now.toJSDate(),
      }))
    )
  }
}
