import { test } from '@japa/runner'
import { chooseShard, rebalance } from '#services/eventsub/conduit/shard_plan'

test.group('Conduit shards: which one an instance takes', () => {
  test('its own claim first, then the lowest free shard, else a new one', ({ assert }) => {
    assert.deepEqual(chooseShard(['a', 'me', null], 'me'), { shardId: 1, grow: false })
    assert.deepEqual(chooseShard(['a', null, null], 'me'), { shardId: 1, grow: false })
    assert.deepEqual(chooseShard(['a', 'b'], 'me'), { shardId: 2, grow: true })
    assert.deepEqual(chooseShard([], 'me'), { shardId: 0, grow: true })
  })
})

test.group('Conduit shards: after an instance is gone', () => {
  test('the instance past the live count moves into the hole, then the conduit shrinks', ({
    assert,
  }) => {
    // Shard 0's owner died: the owner of shard 1 moves to 0, one shard is left.
    assert.deepEqual(rebalance([null, 'me'], 1), { moveTo: 0, shrinkTo: 1 })
    assert.deepEqual(rebalance([null, 'b', 'me'], 2), { moveTo: 0, shrinkTo: 2 })
  })

  test('an instance within the live count stays; free shards on top are dropped', ({ assert }) => {
    assert.deepEqual(rebalance(['me', null], 0), { moveTo: null, shrinkTo: 1 })
    assert.deepEqual(rebalance(['me', 'b', null, null], 1), { moveTo: null, shrinkTo: 2 })
    // Shard 1 has a hole under 2, but 'b' (on 2) moves, not 'me' (on 0).
    assert.deepEqual(rebalance(['me', null, 'b'], 0), { moveTo: null, shrinkTo: null })
  })

  test('never below one shard, nothing to do when packed', ({ assert }) => {
    assert.deepEqual(rebalance(['me'], 0), { moveTo: null, shrinkTo: null })
    assert.deepEqual(rebalance(['me', 'b'], 1), { moveTo: null, shrinkTo: null })
  })
})
