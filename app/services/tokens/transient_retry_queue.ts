import type { DateTime } from 'luxon'
import redis from '@adonisjs/redis/services/main'

/**
 * Streamers whose last refresh failed transiently (Twitch down, timeout,
 * 429), with the time the retry sweep should try again (docs/token-policy.md).
 *
 * Kept in Redis rather than in `streamers`: a transient failure must leave no
 * mark there that could make a later permanent failure look like a second
 * one. Shared by every process, so a failure in `node ace token:refresh` is
 * retried by the web process's sweep.
 */
export class TransientRetryQueue {
  static readonly key = 'token-refresh:transient-retry'

  async schedule(streamerId: number, retryAt: DateTime) {
    await redis.zadd(TransientRetryQueue.key, retryAt.toMillis(), String(streamerId))
  }

  async remove(...streamerIds: number[]) {
    if (streamerIds.length === 0) return
    await redis.zrem(TransientRetryQueue.key, ...streamerIds.map(String))
  }

  /**
   * Ids whose retry time has come at `now`.
   */
  async dueIds(now: DateTime): Promise<number[]> {
    const members = await redis.zrangebyscore(TransientRetryQueue.key, '-inf', now.toMillis())
    return members.map(Number).filter((id) => Number.isInteger(id))
  }

  /**
   * The retry time of one streamer, or null when none is scheduled.
   */
  async retryAt(streamerId: number): Promise<number | null> {
    const score = await redis.zscore(TransientRetryQueue.key, String(streamerId))
    return score === null ? null : Number(score)
  }

  async clear() {
    await redis.del(TransientRetryQueue.key)
  }
}
