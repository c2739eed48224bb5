import type { ApplicationService } from '@adonisjs/core/types'
import availabilityConfig from '#config/availability'
import { Clock } from '#services/clock'
import { ServiceAvailability } from '#services/availability/service_availability'
import { isClosedRedisConnection } from '#services/availability/outage_errors'

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

  /**
   * While the app terminates, a Redis command whose connection is closed
   * under it (Redis going away at the same moment, the framework's own QUIT
   * included) has nowhere to go and nothing left to do: it must not crash a
   * clean shutdown. Anything else unhandled still crashes the process, as
   * Node would.
   */
  #closedWhileTerminating = (reason: unknown) => {
    if (isClosedRedisConnection(reason)) return
    throw reason
  }

  async ready() {
    this.app.terminating(() => {
      process.on('unhandledRejection', this.#closedWhileTerminating)
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
