import db from '@adonisjs/lucid/services/db'
import type { PostgreConfig } from '@adonisjs/lucid/types/database'

/**
 * Creates the test database when it is missing, so `npm test` on a fresh
 * machine migrates it instead of failing on a database that does not exist.
 * Asks through a short-lived connection to the server's `postgres` database.
 */
export async function ensureTestDatabase() {
  const config = db.manager.get(db.primaryConnectionName)!.config as PostgreConfig
  const connection = config.connection as { database: string }
  const name = connection.database
  db.manager.add('test_database_setup', {
    ...config,
    connection: { ...connection, database: 'postgres' },
  } as PostgreConfig)
  const server = db.connection('test_database_setup')
  try {
    const found = await server.rawQuery('SELECT 1 FROM pg_database WHERE datname = ?', [name])
    if (found.rows.length === 0) {
      await server.rawQuery(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
    }
  } finally {
    await db.manager.close('test_database_setup')
  }
}
