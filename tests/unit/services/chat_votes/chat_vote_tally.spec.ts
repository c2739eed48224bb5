import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { ChatVoteTally } from '#services/chat_votes/chat_vote_tally'

const T0 = 1_800_000_000_000
const CLOSES = T0 + 60_000

async function clearVotes() {
  const keys = await redis.keys('chorus:chat-vote:*')
  if (keys.length > 0) await redis.del(...keys)
}

function message(chatterId: string, text: string, receivedAt = T0 + 1000, extra = {}) {
  return { broadcasterId: 'b1', chatterId, text, receivedAt, ...extra }
}

test.group('Chat vote tally (Redis)', (group) => {
  group.each.setup(clearVotes)
  group.teardown(clearVotes)

  test('counts valid votes per choice; chatter that is not a vote is not counted', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 1, channelId: 10 }
    assert.isTrue(await tally.open(vote, 'b1', 3, CLOSES))
    await tally.record(message('u1', '1'))
    await tally.record(message('u2', '!vote 3'))
    await tally.record(message('u3', '!3'))
    const noise = await tally.record(message('u4', 'hello chat'))
    assert.deepEqual(noise, { counted: false, vote, reason: 'not_a_vote' })
    assert.deepEqual(await tally.counts(vote, 3), [1, 0, 2])
  })

  test('the first valid vote of a chatter counts; a second one and a redelivery do not', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 1, channelId: 10 }
    await tally.open(vote, 'b1', 2, CLOSES)
    assert.deepInclude(await tally.record(message('u1', '2')), { counted: true, choice: 2 })
    const again = { counted: false, vote, reason: 'already_voted' }
    assert.deepEqual(await tally.record(message('u1', '1')), again)
    assert.deepEqual(await tally.record(message('u1', '2')), again)
    assert.deepEqual(await tally.counts(vote, 2), [0, 1])
  })

  test('Shared Chat messages from another channel are ignored', async ({ assert }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 2, channelId: 20 }
    await tally.open(vote, 'b1', 2, CLOSES)
    const outcome = await tally.record(message('u9', '1', T0 + 1000, { sourceBroadcasterId: 'b2' }))
    assert.deepInclude(outcome, { counted: false, reason: 'shared_chat' })
    const own = await tally.record(message('u8', '1', T0 + 1000, { sourceBroadcasterId: 'b1' }))
    assert.deepInclude(own, { counted: true })
    assert.deepEqual(await tally.counts(vote, 2), [1, 0])
  })

  test('votes sent after the close time or after the vote was closed do not count', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 3, channelId: 30 }
    await tally.open(vote, 'b1', 2, CLOSES)
    assert.deepEqual(await tally.record(message('late', '1', CLOSES + 1)), {
      counted: false,
      vote,
      reason: 'closed',
    })
    await tally.record(message('u1', '1', T0 + 5000))
    await tally.close(vote, 'b1', T0 + 10_000)
    assert.deepEqual(await tally.record(message('u2', '2', T0 + 11_000)), {
      counted: false,
      reason: 'no_vote_open',
    })
    assert.deepEqual(await tally.counts(vote, 2), [1, 0])
    assert.isAbove(await redis.ttl('chorus:chat-vote:3:30:counts'), 0)
  })

  test('a channel takes one vote at a time and is free again once it is closed', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const first = { runId: 4, channelId: 40 }
    const second = { runId: 5, channelId: 50 }
    assert.isTrue(await tally.open(first, 'b1', 2, CLOSES))
    assert.isTrue(await tally.open(first, 'b1', 2, CLOSES), 'opening the same vote again is fine')
    assert.isFalse(await tally.open(second, 'b1', 2, CLOSES))
    await tally.close(first, 'b1', T0 + 2000)
    assert.isTrue(await tally.open(second, 'b1', 2, CLOSES))
  })

  test('votes arriving at once from many chatters are each counted once', async ({ assert }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 6, channelId: 60 }
    await tally.open(vote, 'b1', 2, CLOSES)
    const ballots = Array.from({ length: 200 }, (_, i) =>
      message(`c${i % 100}`, i < 100 ? '1' : '2')
    )
    await Promise.all(ballots.map((ballot) => tally.record(ballot)))
    assert.deepEqual(await tally.counts(vote, 2), [100, 0])
  })

  test("a run's chat channels are read together, each its own counts, in order", async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const first = { runId: 7, channelId: 70 }
    const second = { runId: 7, channelId: 71 }
    const silent = { runId: 7, channelId: 72 }
    await tally.open(first, 'b1', 2, CLOSES)
    await tally.open(second, 'b2', 2, CLOSES)
    await tally.record(message('u1', '2'))
    await tally.record({ ...message('u1', '1'), broadcasterId: 'b2' })
    await tally.record({ ...message('u2', '1'), broadcasterId: 'b2' })
    assert.deepEqual(await tally.countsOf([second, silent, first], 2), [
      [2, 0],
      [0, 0],
      [0, 1],
    ])
    assert.deepEqual(await tally.countsOf([], 2), [])
  })

  test('closing moves the close time earlier, never later: a ballot after the close is refused', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 9, channelId: 90 }
    await tally.open(vote, 'b1', 2, CLOSES)
    await tally.close(vote, 'b1', T0 + 5000)
    assert.equal(await redis.hget('chorus:chat-vote:9:90:meta', 'closes_at'), String(T0 + 5000))
    await tally.close(vote, 'b1', CLOSES + 60_000)
    assert.equal(await redis.hget('chorus:chat-vote:9:90:meta', 'closes_at'), String(T0 + 5000))
    // Reopened by a late pointer, the vote still refuses ballots past its close.
    await redis.set('chorus:chat-vote:live:b1', '9:90')
    assert.deepInclude(await tally.record(message('u1', '1', T0 + 6000)), { reason: 'closed' })
    assert.deepEqual(await tally.counts(vote, 2), [0, 0])
  })

  test('the keys outlive the vote by a day; the channel is held a minute past its close', async ({
    assert,
  }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 5, channelId: 50 }
    await tally.open(vote, 'b1', 2, CLOSES)
    assert.equal(
      await redis.call('PEXPIRETIME', 'chorus:chat-vote:5:50:meta'),
      CLOSES + 24 * 3600 * 1000
    )
    assert.equal(await redis.call('PEXPIRETIME', 'chorus:chat-vote:live:b1'), CLOSES + 60_000)
    await tally.record(message('u1', '1'))
    for (const key of ['ballots', 'counts']) {
      assert.closeTo(await redis.ttl(`chorus:chat-vote:5:50:${key}`), 24 * 3600, 5, key)
    }
  })

  test('a channel pointing at a vote whose keys are gone takes no vote', async ({ assert }) => {
    const tally = new ChatVoteTally()
    await tally.open({ runId: 6, channelId: 60 }, 'b1', 2, CLOSES)
    await redis.del('chorus:chat-vote:6:60:meta')
    assert.deepEqual(await tally.record(message('u1', '1')), {
      counted: false,
      reason: 'no_vote_open',
    })
  })

  test('no vote to read: no counts', async ({ assert }) => {
    assert.deepEqual(await new ChatVoteTally().countsOf([], 3), [])
  })

  test('a damaged count in Redis is an error, never read as no votes', async ({ assert }) => {
    const tally = new ChatVoteTally()
    const vote = { runId: 7, channelId: 70 }
    await tally.open(vote, 'b1', 2, CLOSES)
    await tally.record(message('u1', '2'))
    await redis.del('chorus:chat-vote:7:70:counts')
    await redis.set('chorus:chat-vote:7:70:counts', 'not a hash')
    await assert.rejects(() => tally.countsOf([vote], 2), /WRONGTYPE/)
  })
})
