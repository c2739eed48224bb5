import { databaseServer } from '#config/database'
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
 * Redis errors are recognised by the names and messages its client gives
 * them; database errors by PostgreSQL's own codes, or by a socket error
 * naming the database server's port or host.
 */
export function unreachableDependency(error: unknown): Dependency | null {
  if (!(error instanceof Error)) return null
  if (
    error.name === 'MaxRetriesPerRequestError' ||
    REDIS_UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message))
  ) {
    return 'redis'
  }
  const { code, port, hostname } = error as { code?: unknown; port?: unknown; hostname?: unknown }
  if (typeof code === 'string' && POSTGRES_UNAVAILABLE.test(code)) return 'database'
  // A socket error is the database's only when it names the database server:
  // the same codes come from any other connection (Twitch, push services).
  if (
    typeof code === 'string' &&
    NETWORK_CODES.has(code) &&
    (port === databaseServer.port || hostname === databaseServer.host)
  ) {
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

/**
 * What a Redis command still waiting for its answer fails with when its
 * connection is closed under it (ioredis's own message).
 */
export function isClosedRedisConnection(error: unknown) {
  return error instanceof Error && error.message === 'Connection is closed.'
}
