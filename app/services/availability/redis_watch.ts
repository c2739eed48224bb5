import { Redis, type RedisOptions } from 'ioredis'
import type { ServiceAvailability } from '#services/availability/service_availability'

/**
 * The part of a Redis connection (Adonis's or a bare client) whose events
 * tell whether Redis answers.
 */
interface RedisEvents {
  on(event: 'error' | 'ready', listener: (payload?: unknown) => void): unknown
}

/**
 * Follows one Redis connection: its first error of an outage marks Redis
 * down, its next "ready" marks it up. Every failed reconnection attempt also
 * emits an error; ServiceAvailability logs only the first of an outage, and
 * having a listener keeps the client from printing each one to stderr.
 */
export function watchRedisConnection(connection: RedisEvents, availability: ServiceAvailability) {
  connection.on('error', (payload) => availability.markDown('redis', errorOf(payload)))
  connection.on('ready', () => availability.markUp('redis'))
}

/**
 * An ioredis client that reports to ServiceAvailability, as do its
 * duplicates. Transmit's transport duplicates the client it is given into a
 * publisher and a subscriber (config/transmit.ts); without this, those two
 * would have no error listener and print every reconnection attempt. The
 * availability comes as a promise: Transmit builds its transport while the
 * container resolves it, where nothing can be awaited.
 */
export class WatchedRedisClient extends Redis {
  /** An error since the last "ready": Redis is away. */
  #failing = false
  #availability: Promise<ServiceAvailability>

  constructor(options: RedisOptions, availability: Promise<ServiceAvailability>) {
    super(options)
    this.#availability = availability
    const report = (mark: (found: ServiceAvailability) => void) =>
      void availability.then(mark, () => {})
    this.on('error', (error) => {
      this.#failing = true
      report((found) => found.markDown('redis', error))
    })
    this.on('ready', () => {
      this.#failing = false
      report((found) => found.markUp('redis'))
    })
  }

  duplicate(override?: Partial<RedisOptions>) {
    return new WatchedRedisClient({ ...this.options, ...override }, this.#availability)
  }

  /**
   * Closing never fails: while Redis is away the connection is dropped
   * rather than queueing a QUIT that would wait for Redis and hold the
   * process on shutdown, and a QUIT that Redis closes the connection on
   * before answering ("Connection is closed") has closed it all the same.
   */
  async quit(): Promise<'OK'> {
    if (this.#failing || ['wait', 'reconnecting', 'end'].includes(this.status)) {
      this.disconnect()
      return 'OK'
    }
    try {
      return await super.quit()
    } catch {
      this.disconnect()
      return 'OK'
    }
  }
}

function errorOf(payload: unknown) {
  if (payload && typeof payload === 'object' && 'error' in payload) return payload.error
  return payload
}
