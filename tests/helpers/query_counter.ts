import db from '@adonisjs/lucid/services/db'

/**
 * Counts the SQL statements sent on the primary connection (transactions
 * included) from now until `stop()`.
 */
export function startQueryCounter() {
  const connection = db.manager.get(db.primaryConnectionName)?.connection
  const knex = connection?.client
  if (!knex) {
    throw new Error('The database connection is not open yet')
  }
  const statements: string[] = []
  const listener = (query: { sql: string }) => statements.push(query.sql)
  knex.on('query', listener)
  return {
    statements,
    get count() {
      return statements.length
    },
    stop() {
      knex.off('query', listener)
    },
  }
}
