import logger from '@adonisjs/core/services/logger'

/**
 * What the database driver (knex) logs. Its pool warns on every connection
 * attempt that fails; during an outage that is one line per request and per
 * probe, while ServiceAvailability already says once that PostgreSQL is
 * unreachable. Those warnings go to debug; everything else is logged as the
 * framework would.
 */
const CONNECTION_NOISE = /^(Acquire connection error|Connection Error)/

export const quietDatabaseLog = {
  warn(message: string) {
    if (CONNECTION_NOISE.test(message)) logger.debug(message)
    else logger.warn(message)
  },
  error(message: string) {
    logger.error(message)
  },
  deprecate(message: string) {
    logger.info(message)
  },
  debug(message: string) {
    logger.debug(message)
  },
}
