import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'

/**
 * Server-Sent Events for live poll results. The Redis transport carries
 * broadcasts and subscriptions between web instances, so the instance that
 * reads Twitch reaches a GM whose stream is held by another one.
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
          driver: redis({
            host: env.get('REDIS_HOST', '127.0.0.1'),
            port: env.get('REDIS_PORT', 6379),
            password: env.get('REDIS_PASSWORD', ''),
            db: env.get('REDIS_DB', 0),
            keyPrefix: '',
          }),
          channel: `chorus:transmit:db${env.get('REDIS_DB', 0)}`,
        },
})

export default transmitConfig
