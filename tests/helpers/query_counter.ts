import db from '@adonisjs/lucid/services/db'

/**
 * Counts the SQL statements sent on the primary connection (transactions
 * included) from now until `stop()`. `keepStatements: false` only counts
 * (the refresh benchmark measures memory and must not grow with its own
 * record of 40,000 statements).
 */
export function startQueryCounter({ keepStatements = true } = {}) {
  const connection = db.manager.get(db.primaryConnectionName)?.connection
  const knex = connection?.client
  if (!knex) {
    throw new Error('The database connection is not open yet')
  }
  const statements: string[] = []
  let count = 0
  const listener = (query: { sql: string }) => {
    count++
    if (keepStatements) statements.push(query.sql)
  }
  knex.on('query', listener)
  return {
    statements,
    get count() {
      return count
    },
    stop() {
      knex.off('query', listener)
    },
  }
}
