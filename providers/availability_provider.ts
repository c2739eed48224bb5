import type { ApplicationService } from '@adonisjs/core/types'
import availabilityConfig from '#config/availability'
import { Clock } from '#services/clock'
import { ServiceAvailability } from '#services/availability/service_availability'

/**
 * Follows the health of PostgreSQL and Redis in every process
 * (docs/operations.md, "Outages"): ServiceAvailability is one instance per
 * process, every Redis connection reports to it (instead of the framework
 * logging each failed reconnection attempt), and while PostgreSQL is down a
 * probe query notices when it is back.
 */
export default class AvailabilityProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(ServiceAvailability, async (resolver) => {
      return new ServiceAvailability(await resolver.make(Clock))
    })
  }

  async boot() {
    const { watchRedisConnection } = await import('#services/availability/redis_watch')
    const availability = await this.app.container.make(ServiceAvailability)
    const redis = await this.app.container.make('redis')
    redis.doNotLogErrors()
    for (const connection of Object.values(redis.activeConnections)) {
      if (connection) watchRedisConnection(connection, availability)
    }
    redis.on('connection', (connection) => watchRedisConnection(connection, availability))

    const db = await this.app.container.make('lucid.db')
    availability.probeWhileDown(
      'database',
      () => db.rawQuery('select 1'),
      availabilityConfig.databaseProbeIntervalMs
    )
  }

  /**
   * A connection that is not ready (Redis is away) is dropped here: the
   * framework's QUIT would wait for Redis and keep the process from exiting.
   */
  async shutdown() {
    const availability = await this.app.container.make(ServiceAvailability)
    availability.stopProbes()
    const redis = await this.app.container.make('redis')
    for (const connection of Object.values(redis.activeConnections)) {
      if (connection && availability.isDown('redis')) connection.disconnect()
    }
  }
}
