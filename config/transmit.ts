import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/transmit'
import { RedisTransport } from '@boringnode/bus/transports/redis'
import { redisOutageOptions, redisServer } from '#config/redis'
import { WatchedRedisClient } from '#services/availability/redis_watch'

/**
 * Server-Sent Events for live poll results. The Redis transport carries
 * broadcasts and subscriptions between web instances, so the instance that
 * reads Twitch reaches a GM whose stream is held by another one. Its Redis
 * clients report outages like every other one (docs/operations.md).
 *
 * Redis pub/sub ignores database numbers: the channel name carries REDIS_DB
 * so apps (or test runs) sharing one Redis server stay apart.
 */
const transmitConfig = defineConfig({
  pingInterval: '30s',
  // A warm-up boot (`node ace codegen`) only reads the routes: no Redis.
  transport:
    app.getMode() === 'warmup'
      ? null
      : {
          driver: () =>
            new RedisTransport(
              new WatchedRedisClient({
                ...redisServer,
                ...redisOutageOptions,
                // Transmit subscribes once, at boot, and never retries: with
                // Redis down then, the subscription waits for Redis instead of
                // failing (publishes made meanwhile wait too, then go out).
                maxRetriesPerRequest: null,
                lazyConnect: true,
              })
            ),
          channel: `chorus:transmit:db${env.get('REDIS_DB', 0)}`,
        },
})

export default transmitConfig
