import type { Dependency } from '#services/availability/service_availability'

/**
 * Socket-level failures: the server is not there (refused, unknown host,
 * unreachable, timed out) or dropped the connection.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
])

/**
 * PostgreSQL's own "not available" answers: class 08 (connection exception)
 * and 57P01–57P03 (shutting down, crashed, starting up).
 */
const POSTGRES_UNAVAILABLE = /^(08\d{3}|57P0[1-3])$/

/**
 * What the Redis client throws when it has no connection: the command failed
 * after its reconnection attempts (config/redis.ts) or the client is closed.
 */
const REDIS_UNAVAILABLE_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable",
  'Command timed out',
]

/**
 * Which dependency an error says is unreachable, or null for any other
 * error (a bug, bad input, a constraint) — those keep their usual answer.
 *
 * Redis errors are recognised first: the Redis client reports its own
 * failures with these names and messages, so a bare socket error is the
 * database driver's (Lucid's pool opens the PostgreSQL connections).
 */
export function unreachableDependency(error: unknown): Dependency | null {
  if (!(error instanceof Error)) return null
  if (
    error.name === 'MaxRetriesPerRequestError' ||
    REDIS_UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message))
  ) {
    return 'redis'
  }
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) {
    return 'database'
  }
  if (
    error.name === 'KnexTimeoutError' ||
    error.message.includes('Connection terminated') ||
    error.message.includes('Timeout acquiring a connection')
  ) {
    return 'database'
  }
  return null
}
