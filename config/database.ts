import env from '#start/env'
import { defineConfig } from '@adonisjs/lucid'
import { quietDatabaseLog } from '#services/availability/quiet_database_log'

/**
 * Where PostgreSQL is (also how an unreachable-database error is recognised:
 * app/services/availability/outage_errors.ts).
 */
export const databaseServer = {
  host: env.get('DB_HOST', '127.0.0.1'),
  port: env.get('DB_PORT', 5432),
}

const dbConfig = defineConfig({
  connection: 'postgres',
  connections: {
    postgres: {
      client: 'pg',
      connection: {
        ...databaseServer,
        user: env.get('DB_USER', 'postgres'),
        password: env.get('DB_PASSWORD', ''),
        database: env.get('DB_DATABASE', 'chorus'),
      },
      pool: { min: 0, max: 10 },
      // knex's own `log` option, passed through by Lucid (its types omit it):
      // connection failures are logged once per outage (docs/operations.md)
      ...({ log: quietDatabaseLog } as {}),
      // Models extend the classes generated into database/schema.ts after
      // each migration (database/schema_rules.ts steers the generation).
      schemaGeneration: {
        enabled: true,
        rulesPaths: ['./database/schema_rules.js'],
      },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
    },
  },
})

export default dbConfig
