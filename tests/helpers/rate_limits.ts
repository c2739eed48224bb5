import redis from '@adonisjs/redis/services/main'

/**
 * Forgets the requests counted by the rate limits (config/limiter.ts) whose
 * name starts with `throttle` ("sign_in", "invitations"…), or all of them.
 * Only the limiter's own keys are deleted, never the rest of the test run's
 * Redis database.
 */
export async function resetRateLimits(throttle = '') {
  const connection = redis.connection('main')
  let cursor = '0'
  do {
    const [next, keys] = await connection.scan(
      cursor,
      'MATCH',
      `chorus:rate_limit:${throttle}*`,
      'COUNT',
      200
    )
    if (keys.length > 0) await connection.del(...keys)
    cursor = next
  } while (cursor !== '0')
}
