import redis from '@adonisjs/redis/services/main'

/** Renews the claim only while it is still this owner's. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`

/** Drops the claim only while it is still this owner's. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) else return 0 end`

/**
 * Which instance owns which shard of the conduit, in Redis: a claim per
 * shard that its owner renews (the heartbeat); a claim left to expire frees
 * the shard for another instance.
 */
export class ShardClaims {
  static key(conduitId: string, shardId: number) {
    return `eventsub:conduit:${conduitId}:shard:${shardId}`
  }

  async claim(conduitId: string, shardId: number, owner: string, ttlMs: number) {
    const set = await redis.set(ShardClaims.key(conduitId, shardId), owner, 'PX', ttlMs, 'NX')
    return set === 'OK'
  }

  async renew(conduitId: string, shardId: number, owner: string, ttlMs: number) {
    const renewed = await redis.eval(RENEW, 1, ShardClaims.key(conduitId, shardId), owner, ttlMs)
    return renewed === 1
  }

  async release(conduitId: string, shardId: number, owner: string) {
    await redis.eval(RELEASE, 1, ShardClaims.key(conduitId, shardId), owner)
  }

  /**
   * The session the owner put on the shard, so that any instance hearing
   * that Twitch disabled the shard can put it back.
   */
  async recordSession(conduitId: string, shardId: number, sessionId: string, ttlMs: number) {
    await redis.set(`${ShardClaims.key(conduitId, shardId)}:session`, sessionId, 'PX', ttlMs)
  }

  /** The live owner's session on the shard, or null (no owner, or none recorded). */
  async sessionOf(conduitId: string, shardId: number): Promise<string | null> {
    const key = ShardClaims.key(conduitId, shardId)
    const [owner, session] = await redis.mget(key, `${key}:session`)
    return owner === null ? null : session
  }

  /** The owner of each shard 0 … count-1 (null: free). */
  async owners(conduitId: string, count: number): Promise<(string | null)[]> {
    if (count === 0) return []
    const keys = Array.from({ length: count }, (_, shardId) => ShardClaims.key(conduitId, shardId))
    return redis.mget(...keys)
  }
}
