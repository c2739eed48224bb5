/**
 * Which shard an instance takes and when the conduit shrinks, as pure
 * decisions over the owners of shards 0 … n-1 (null: free) read from Redis.
 * Shards are kept packed at the low ids so the shard count can follow the
 * number of live instances (docs/eventsub.md).
 */

/** The shard a new session goes on: its own claim if it still has one, else the lowest free, else a new one. */
export function chooseShard(
  owners: (string | null)[],
  me: string
): { shardId: number; grow: boolean } {
  const mine = owners.indexOf(me)
  if (mine !== -1) return { shardId: mine, grow: false }
  const free = owners.indexOf(null)
  if (free !== -1) return { shardId: free, grow: false }
  return { shardId: owners.length, grow: true }
}

/**
 * What the instance on `myShard` does at its heartbeat: move down to the
 * lowest free shard when it sits past the number of live instances (a dead
 * instance left a hole), and the shard count the conduit shrinks to when
 * its highest shards are free (null: unchanged).
 */
export function rebalance(
  owners: (string | null)[],
  myShard: number
): { moveTo: number | null; shrinkTo: number | null } {
  const live = owners.filter((owner) => owner !== null).length
  const free = owners.indexOf(null)
  const moveTo = free !== -1 && free < myShard && myShard >= live ? free : null
  const after = [...owners]
  if (moveTo !== null) {
    after[moveTo] = after[myShard]
    after[myShard] = null
  }
  let highest = after.length - 1
  while (highest >= 0 && after[highest] === null) highest--
  const wanted = Math.max(1, highest + 1)
  return { moveTo, shrinkTo: wanted < owners.length ? wanted : null }
}
