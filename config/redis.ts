import env from '#start/env'
import { defineConfig } from '@adonisjs/redis'
import type { InferConnections } from '@adonisjs/redis/types'

/**
 * How every Redis client of Chorus behaves when Redis goes away
 * (docs/operations.md, "Outages"): it keeps reconnecting, a little slower
 * each time up to every 2 s, for as long as it takes, so Chorus recovers on
 * its own; meanwhile a command fails after one reconnection attempt instead
 * of waiting, so a page answers 503 at once rather than hanging.
 */
export const redisOutageOptions = {
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
}

/**
 * Where Redis is. REDIS_DB keeps apps (or test runs) sharing one server apart.
 */
export const redisServer = {
  host: env.get('REDIS_HOST', '127.0.0.1'),
  port: env.get('REDIS_PORT', 6379),
  password: env.get('REDIS_PASSWORD', ''),
  db: env.get('REDIS_DB', 0),
  keyPrefix: '',
}

const redisConfig = defineConfig({
  connection: 'main',
  connections: {
    main: {
      ...redisServer,
      ...redisOutageOptions,
      // Connect on the first command: a boot that never talks to Redis (the
      // warm-up boot of `node ace codegen`) opens no connection.
      lazyConnect: true,
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
