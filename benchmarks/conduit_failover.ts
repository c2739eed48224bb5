import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchEmulator } from './bench_emulator.js'
import type { GmSubscriber } from './gm_subscriber.js'

interface ConduitView {
  shards: { id: string; status: string; transport: { session_id: string } }[]
}

/** Longest wait for either failover before giving up (the target is 40 s). */
const GIVE_UP_MS = 60_000

/** Every one of `count` shards of the one conduit enabled (each web instance's session on one). */
export async function waitForShards(emulator: BenchEmulator, count: number, timeoutMs = 30_000) {
  const started = performance.now()
  for (;;) {
    const { data } = await emulator.get<{ data: ConduitView[] }>('/conduits')
    const shards = data[0]?.shards ?? []
    if (shards.length === count && shards.every((shard) => shard.status === 'enabled')) {
      return performance.now() - started
    }
    if (performance.now() - started > timeoutMs) {
      throw new Error(`the conduit did not reach ${count} enabled shards in ${timeoutMs} ms`)
    }
    await sleep(100)
  }
}

/**
 * An instance is killed (SIGKILL) while votes keep coming on one channel,
 * one every 100 ms. Answers how long until a vote cast after the kill
 * reached the GM (Twitch's delivery moved to the other shard), and until
 * the conduit was back to one enabled shard per live instance (the dead
 * instance's shard reassigned), both in ms.
 */
export async function measureFailover(input: {
  emulator: BenchEmulator
  watching: GmSubscriber
  kill: () => Promise<void>
  liveInstances: number
  login: string
  pollId: string
}) {
  const { emulator, watching } = input
  const killedAt = performance.now()
  await input.kill()
  let deliveryMs: number | null = null
  let shardMs: number | null = null
  const seenBefore = watching.latencies.length
  while ((deliveryMs === null || shardMs === null) && performance.now() - killedAt < GIVE_UP_MS) {
    const at = performance.now()
    const { data } = await emulator.post<{ data: { choices: { votes: number }[] } }>(
      `/polls/${input.pollId}/votes`,
      { choiceIndex: 0, count: 1 }
    )
    watching.expect(
      input.login,
      data.choices.reduce((sum, choice) => sum + choice.votes, 0),
      at
    )
    await sleep(100)
    if (deliveryMs === null && watching.latencies.length > seenBefore) {
      deliveryMs = performance.now() - killedAt
    }
    if (shardMs === null) {
      const { data: conduits } = await emulator.get<{ data: ConduitView[] }>('/conduits')
      const shards = conduits[0]?.shards ?? []
      if (
        shards.length === input.liveInstances &&
        shards.every((shard) => shard.status === 'enabled')
      ) {
        shardMs = performance.now() - killedAt
      }
    }
  }
  return { deliveryMs, shardMs }
}
