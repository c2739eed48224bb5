import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/transmit'
import { RedisTransport } from '@boringnode/bus/transports/redis'
import { redisOutageOptions, redisServer } from '#config/redis'
import { WatchedRedisClient } from '#services/availability/redis_watch'
import { ServiceAvailability } from '#services/availability/service_availability'

/**
 * Server-Sent Events for live poll results. The Redis transport carries
 * broadcasts and subscriptions between web instances, so the instance that
 * reads Twitch reaches a GM whose stream is held by another one. Its Redis
 * clients report outages like every other one (docs/operations.md).
 *
 * Transmit calls `driver()` with nothing to give when the container first
 * resolves it: the process's ServiceAvailability is taken from the container
 * here, where the transport is put together.
 *
 * Redis pub/sub ignores database numbers: the channel name carries REDIS_DB
 * so apps (or test runs) sharing one Redis server stay apart.
 */
export const transmitRedisTransport = {
  driver: () =>
    new RedisTransport(
      new WatchedRedisClient(
        {
          ...redisServer,
          ...redisOutageOptions,
          // Transmit subscribes once, at boot, and never retries: with
          // Redis down then, the subscription waits for Redis instead of
          // failing (publishes made meanwhile wait too, then go out).
          maxRetriesPerRequest: null,
          lazyConnect: true,
        },
        app.container.make(ServiceAvailability)
      )
    ),
  channel: `chorus:transmit:db${env.get('REDIS_DB', 0)}`,
}

const transmitConfig = defineConfig({
  pingInterval: '30s',
  // A warm-up boot (`node ace codegen`) only reads the routes, and console
  // commands hold no event streams and broadcast nothing: no Redis pub/sub
  // (a command that ended before its subscription was made would otherwise
  // leave a rejected subscription behind as it shut down).
  transport:
    app.getMode() === 'warmup' || app.getEnvironment() === 'console'
      ? null
      : transmitRedisTransport,
})

export default transmitConfig
