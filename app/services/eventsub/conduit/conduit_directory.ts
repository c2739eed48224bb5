import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import redis from '@adonisjs/redis/services/main'
import { TwitchConduitClient } from '#services/twitch/twitch_conduit_client'

const CONDUIT_KEY = 'eventsub:conduit:id'
const SHARD_COUNT_KEY = 'eventsub:conduit:shard-count'
const SETUP_LOCK = 'eventsub:conduit:setup'

/**
 * Chorus's one conduit (docs/eventsub.md): found or created once across
 * instances, under a Redis lock, then known to every instance through Redis
 * with its shard count, so nobody asks Twitch again.
 */
@inject()
export class ConduitDirectory {
  constructor(private client: TwitchConduitClient) {}

  async conduitId(): Promise<string> {
    const known = await redis.get(CONDUIT_KEY)
    if (known) return known
    const [acquired, id] = await lock.createLock(SETUP_LOCK, 30_000).run(async () => {
      const again = await redis.get(CONDUIT_KEY)
      if (again) return again
      // One of ours from an earlier run is reused (at most 5 per client on Twitch).
      const [existing] = await this.client.list()
      const conduit = existing ?? (await this.client.create(1))
      await redis.mset(CONDUIT_KEY, conduit.id, SHARD_COUNT_KEY, String(conduit.shardCount))
      return conduit.id
    })
    if (!acquired) throw new Error('another instance is setting up the conduit')
    return id
  }

  async shardCount(): Promise<number> {
    const count = Number(await redis.get(SHARD_COUNT_KEY))
    return Number.isInteger(count) && count > 0 ? count : 1
  }

  /** Twitch's shard count becomes `count` (more instances, or fewer). */
  async resize(count: number): Promise<void> {
    const conduit = await this.client.resize(await this.conduitId(), count)
    await redis.set(SHARD_COUNT_KEY, String(conduit.shardCount))
  }

  /** Twitch no longer knows the conduit (deleted by hand): the next call finds or creates one. */
  async forget(): Promise<void> {
    await redis.del(CONDUIT_KEY, SHARD_COUNT_KEY)
  }
}
