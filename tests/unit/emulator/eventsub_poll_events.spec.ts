import { test } from '@japa/runner'
import { subscribe } from './eventsub_helpers.js'
import {
  ARIA,
  BRAM,
  firstPollOf,
  helixSend,
  manualClock,
  newEmulator,
  pollRequest,
  postJson,
  seededRandom,
  statusOf,
} from './helpers.js'
import { WebhookReceiver } from './webhook_receiver.js'

const START = Date.UTC(2026, 10, 30, 19, 0, 0)
const POLL_TYPES = ['channel.poll.begin', 'channel.poll.progress', 'channel.poll.end']

test.group('Twitch emulator | channel.poll.* events', (group) => {
  const clock = manualClock(START)
  const emulator = newEmulator({ now: clock.now, tickMs: 0, random: seededRandom(7) })
  const receiver = new WebhookReceiver()
  let ariaToken = ''

  group.setup(async () => {
    await emulator.listen(0)
    await receiver.listen()
    return async () => {
      await emulator.close()
      await receiver.close()
    }
  })
  group.each.setup(async () => {
    clock.set(START)
    emulator.state.reset()
    receiver.reset()
    ariaToken = emulator.state.issueTokens(ARIA).accessToken
    emulator.state.issueTokens(BRAM)
    const appToken = emulator.state.issueAppToken().accessToken
    for (const type of POLL_TYPES) {
      await subscribe(emulator, appToken, type, { broadcaster_user_id: ARIA }, receiver.callback)
    }
    receiver.messages = []
  })

  const createPoll = async (overrides: Record<string, unknown> = {}) =>
    firstPollOf(helixSend(emulator, 'POST', '/polls', ariaToken, pollRequest(ARIA, overrides)))

  const settled = () => emulator.state.eventsub.idle()

  test('begin: when the poll is created, choices with id and title only', async ({ assert }) => {
    const poll = await createPoll({
      channel_points_voting_enabled: true,
      channel_points_per_vote: 50,
    })
    await settled()

    const [begin] = receiver.events('channel.poll.begin')
    assert.lengthOf(receiver.messages, 1)
    assert.deepEqual(begin.body.event, {
      id: poll.id,
      broadcaster_user_id: ARIA,
      broadcaster_user_login: 'aria_plays',
      broadcaster_user_name: 'Aria_Plays',
      title: 'Where does the party go next?',
      choices: poll.choices.map((choice) => ({ id: choice.id, title: choice.title })),
      bits_voting: { is_enabled: false, amount_per_vote: 0 },
      channel_points_voting: { is_enabled: true, amount_per_vote: 50 },
      started_at: '2026-11-30T19:00:00.000Z',
      ends_at: '2026-11-30T19:02:00.000Z',
    })
  })

  test('progress: each time votes arrive through the control API', async ({ assert }) => {
    const poll = await createPoll()
    clock.advance(5000)
    emulator.state.castVotes(poll.id, 1, 3)
    assert.equal(
      await statusOf(
        postJson(`${emulator.url}/_emulator/polls/${poll.id}/votes`, { choiceIndex: 0, count: 2 })
      ),
      200
    )
    await settled()

    // Deliveries run side by side, as on Twitch: compare without relying on arrival order.
    const progress = receiver.events('channel.poll.progress')
    const counts = progress.map((message) =>
      message.body.event.choices.map((choice: { votes: number }) => choice.votes).join(',')
    )
    assert.sameMembers(counts, ['0,3,0', '2,3,0'])
    assert.containsSubset(progress[0].body.event, {
      id: poll.id,
      ends_at: '2026-11-30T19:02:00.000Z',
      bits_voting: { is_enabled: false, amount_per_vote: 0 },
    })
    assert.containsSubset(progress[0].body.event.choices[1], {
      channel_points_votes: 0,
      bits_votes: 0,
    })
    assert.notProperty(progress[0].body.event, 'status')
  })

  test('progress: automatic votes arrive as the clock moves, nothing when quiet', async ({
    assert,
  }) => {
    await createPoll()
    emulator.state.tick()
    await settled()
    assert.lengthOf(receiver.events('channel.poll.progress'), 0)

    emulator.state.setAutoVotes(true)
    const totals: number[] = []
    for (let second = 0; second < 10; second++) {
      clock.advance(3000)
      emulator.state.tick()
    }
    await settled()
    for (const message of receiver.events('channel.poll.progress')) {
      totals.push(
        message.body.event.choices.reduce(
          (sum: number, choice: { votes: number }) => sum + choice.votes,
          0
        )
      )
    }
    // Every tick that brought votes sent one progress event with a new, higher total.
    assert.isAtLeast(totals.length, 5)
    assert.lengthOf(new Set(totals), totals.length)
    const [poll] = emulator.state.listPolls(ARIA)
    assert.equal(
      Math.max(...totals),
      poll.choices.reduce((sum, choice) => sum + choice.votes, 0)
    )

    emulator.state.setAutoVotes(false)
    receiver.messages = []
    clock.advance(5000)
    emulator.state.tick()
    await settled()
    assert.lengthOf(receiver.messages, 0)
  })

  test('end: completed by the clock, once, with lowercase status and ended_at', async ({
    assert,
  }) => {
    const poll = await createPoll({ duration: 30 })
    emulator.state.castVotes(poll.id, 2, 4)
    clock.advance(29_000)
    emulator.state.tick()
    await settled()
    assert.lengthOf(receiver.events('channel.poll.end'), 0)

    clock.advance(5000)
    emulator.state.tick()
    emulator.state.tick()
    emulator.state.getPoll(poll.id)
    await settled()

    const ends = receiver.events('channel.poll.end')
    assert.lengthOf(ends, 1)
    const { event } = ends[0].body
    assert.equal(event.status, 'completed')
    assert.equal(event.ended_at, '2026-11-30T19:00:30.000Z')
    assert.notProperty(event, 'ends_at')
    assert.deepEqual(
      event.choices.map((choice: { votes: number }) => choice.votes),
      [0, 0, 4]
    )
  })

  test('end: a read after the end time settles the poll and sends the end', async ({ assert }) => {
    const poll = await createPoll({ duration: 15 })
    clock.advance(20_000)
    emulator.state.getPoll(poll.id)
    await settled()
    assert.lengthOf(receiver.events('channel.poll.end'), 1)
  })

  test('end: terminated or archived through Helix', async ({ assert }) => {
    for (const status of ['TERMINATED', 'ARCHIVED']) {
      const poll = await createPoll()
      clock.advance(7000)
      const ended = await firstPollOf(
        helixSend(emulator, 'PATCH', '/polls', ariaToken, {
          broadcaster_id: ARIA,
          id: poll.id,
          status,
        })
      )
      assert.equal(ended.status, status)
    }
    await settled()
    const ends = receiver.events('channel.poll.end')
    assert.deepEqual(
      ends.map((message) => [message.body.event.status, message.body.event.ended_at]),
      [
        ['terminated', '2026-11-30T19:00:07.000Z'],
        ['archived', '2026-11-30T19:00:14.000Z'],
      ]
    )
  })

  test("events go only to the poll's channel subscriptions", async ({ assert }) => {
    const bramToken = emulator.state.issueTokens(BRAM).accessToken
    await firstPollOf(helixSend(emulator, 'POST', '/polls', bramToken, pollRequest(BRAM)))
    await settled()
    assert.lengthOf(receiver.messages, 0)
  })
})
