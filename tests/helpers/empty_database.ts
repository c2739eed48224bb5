import db from '@adonisjs/lucid/services/db'
import { resetRateLimits } from '#tests/helpers/rate_limits'

const KEEP = new Set(['adonis_schema', 'adonis_schema_versions'])

/**
 * Empties every table in ONE `TRUNCATE … CASCADE` statement. Lucid's
 * `testUtils.db().truncate()` truncates table by table in parallel, which
 * can deadlock once tables reference each other (seen with the poll tables).
 */
export async function truncateAllTables() {
  const client = db.connection()
  const allTables = await client.getAllTables(['public'])
  const tables = allTables.filter((table) => !KEEP.has(table))
  if (tables.length === 0) return
  const list = tables.map((table) => `"${table.replace(/"/g, '""')}"`).join(', ')
  await client.rawQuery(`TRUNCATE ${list} RESTART IDENTITY CASCADE`)
}

/**
 * A `group.each.setup` hook: each test starts and ends with empty tables.
 * Ids restart with the tables, so the rate-limit counts kept per user id
 * (config/limiter.ts) are forgotten too: user 1 of this test is not user 1
 * of the last.
 */
export async function emptyDatabase() {
  await truncateAllTables()
  await resetRateLimits()
  return async () => {
    await truncateAllTables()
    await resetRateLimits()
  }
}
