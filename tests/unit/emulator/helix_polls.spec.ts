import { test } from '@japa/runner'
import {
  ARIA,
  BRAM,
  firstPollOf,
  helixGet,
  helixSend,
  manualClock,
  messageOf,
  newEmulator,
  PLAIN_PAT,
  pollRequest,
  readJson,
  seededRandom,
  statusOf,
} from './helpers.js'
import type { HelixErrorBody, PollBody } from './helpers.js'

interface PollsBody {
  data: PollBody[]
  pagination: { cursor?: string }
}

test.group('Twitch emulator | Helix polls', (group) => {
  const clock = manualClock()
  const emulator = newEmulator({ now: clock.now })
  let token = ''

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    clock.set(Date.UTC(2025, 0, 6, 20, 0, 0))
    emulator.state.reset()
    token = emulator.state.issueTokens(ARIA).accessToken
  })

  const createPoll = (overrides: Record<string, unknown> = {}, accessToken = token) =>
    helixSend(emulator, 'POST', '/polls', accessToken, pollRequest(ARIA, overrides))

  /** Status and message of a create request expected to fail. */
  async function rejection(overrides: Record<string, unknown>) {
    const response = await createPoll(overrides)
    const body = await readJson<HelixErrorBody>(response)
    return `${response.status} ${body.message}`
  }

  test('creates an ACTIVE poll in Twitch shape', async ({ assert }) => {
    const response = await createPoll()
    const body = await readJson<PollsBody>(response)
    const poll = body.data[0]

    assert.equal(response.status, 200)
    assert.containsSubset(poll, {
      broadcaster_id: ARIA,
      broadcaster_name: 'Aria_Plays',
      broadcaster_login: 'aria_plays',
      title: 'Where does the party go next?',
      status: 'ACTIVE',
      duration: 120,
      channel_points_voting_enabled: false,
      started_at: '2025-01-06T20:00:00.000Z',
      ended_at: null,
    })
    assert.deepEqual(
      poll.choices.map((choice) => [choice.title, choice.votes, choice.bits_votes]),
      [
        ['The crypt', 0, 0],
        ['The tavern', 0, 0],
        ['The sewers', 0, 0],
      ]
    )
    assert.match(poll.id, /^[0-9a-f-]{36}$/)
  })

  test('title: required, at most 60 characters', async ({ assert }) => {
    assert.match(await rejection({ title: 'x'.repeat(61) }), /^400 .*60/)
    assert.match(await rejection({ title: '' }), /^400 .*title/)
    assert.equal(await statusOf(createPoll({ title: 'x'.repeat(60) })), 200)
  })

  test('choices: from 2 to 5, each title at most 25 characters', async ({ assert }) => {
    const one = [{ title: 'Only' }]
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((title) => ({ title }))
    assert.match(await rejection({ choices: one }), /^400 .*between 2 and 5/)
    assert.match(await rejection({ choices: six }), /^400 .*between 2 and 5/)
    assert.match(
      await rejection({ choices: [{ title: 'y'.repeat(26) }, { title: 'n' }] }),
      /^400 .*25/
    )
    assert.match(await rejection({ choices: [{ title: 'a' }, {}] }), /^400 .*title/)
  })

  test('duration: an integer from 15 to 1800 seconds', async ({ assert }) => {
    assert.match(await rejection({ duration: 10 }), /^400 .*15 to 1800/)
    assert.match(await rejection({ duration: 2000 }), /^400 .*15 to 1800/)
    assert.match(await rejection({ duration: 30.5 }), /^400 .*duration/)
    assert.equal(await statusOf(createPoll({ duration: 15 })), 200)
  })

  test('channel points per vote: 1 to 1000000 when channel points voting is on', async ({
    assert,
  }) => {
    const enabled = { channel_points_voting_enabled: true }
    assert.match(await rejection({ ...enabled, channel_points_per_vote: 0 }), /^400 .*per_vote/)
    assert.match(
      await rejection({ ...enabled, channel_points_per_vote: 1_000_001 }),
      /^400 .*per_vote/
    )
    const response = await createPoll({ ...enabled, channel_points_per_vote: 100 })
    const poll = await firstPollOf(response)
    assert.isTrue(poll.channel_points_voting_enabled)
    assert.equal(poll.channel_points_per_vote, 100)
  })

  test('needs the channel:manage:polls scope', async ({ assert }) => {
    const readOnly = emulator.state.issueTokens(ARIA, ['channel:read:polls']).accessToken
    const response = await createPoll({}, readOnly)
    assert.equal(response.status, 401)
    assert.equal(await messageOf(response), 'Missing scope: channel:manage:polls')
  })

  test("refuses a broadcaster_id other than the token's user", async ({ assert }) => {
    const response = await helixSend(emulator, 'POST', '/polls', token, pollRequest(BRAM))
    assert.equal(response.status, 403)
  })

  test('refuses a broadcaster who is neither partner nor affiliate', async ({ assert }) => {
    const patToken = emulator.state.issueTokens(PLAIN_PAT).accessToken
    const response = await helixSend(emulator, 'POST', '/polls', patToken, pollRequest(PLAIN_PAT))
    const body = await readJson<HelixErrorBody>(response)

    assert.equal(response.status, 403)
    assert.equal(body.message, 'The broadcaster is not a partner or affiliate')
    assert.lengthOf(emulator.state.listPolls(PLAIN_PAT), 0)
  })

  test('allows one active poll per channel, others channels are independent', async ({
    assert,
  }) => {
    assert.equal(await statusOf(createPoll()), 200)
    const second = await createPoll({ title: 'Another question' })
    assert.equal(second.status, 400)
    assert.match(await messageOf(second), /already has an active poll/)

    const bramToken = emulator.state.issueTokens(BRAM).accessToken
    const elsewhere = await helixSend(emulator, 'POST', '/polls', bramToken, pollRequest(BRAM))
    assert.equal(elsewhere.status, 200)
  })

  test('AutoMod rejects blocked words in titles and choices; the list is configurable', async ({
    assert,
  }) => {
    assert.match(await rejection({ title: 'Is this a SCAM?' }), /^400 .*automod/)
    assert.match(
      await rejection({ choices: [{ title: 'badword' }, { title: 'fine' }] }),
      /^400 .*failed automod check/
    )
    // A blocked word inside a longer word is fine.
    assert.equal(await statusOf(createPoll({ title: 'Scampi for dinner?' })), 200)

    emulator.state.reset()
    token = emulator.state.issueTokens(ARIA).accessToken
    emulator.state.setAutomodWords(['dragon'])
    assert.match(await rejection({ title: 'Fight the Dragon?' }), /^400 .*automod/)
    assert.equal(await statusOf(createPoll({ title: 'Is this a scam?' })), 200)
  })

  test('PATCH TERMINATED ends an active poll, and a second PATCH is refused', async ({
    assert,
  }) => {
    const poll = await firstPollOf(createPoll())
    clock.advance(30_000)

    const ended = await helixSend(emulator, 'PATCH', '/polls', token, {
      broadcaster_id: ARIA,
      id: poll.id,
      status: 'TERMINATED',
    })
    const endedPoll = await firstPollOf(ended)
    assert.equal(ended.status, 200)
    assert.equal(endedPoll.status, 'TERMINATED')
    assert.equal(endedPoll.ended_at, '2025-01-06T20:00:30.000Z')

    const again = await helixSend(emulator, 'PATCH', '/polls', token, {
      broadcaster_id: ARIA,
      id: poll.id,
      status: 'ARCHIVED',
    })
    assert.equal(again.status, 400)

    // The channel is free for a new poll.
    assert.equal(await statusOf(createPoll()), 200)
  })

  test('PATCH validates status, id and broadcaster', async ({ assert }) => {
    const poll = await firstPollOf(createPoll())
    const patch = (body: Record<string, unknown>) =>
      helixSend(emulator, 'PATCH', '/polls', token, body)

    assert.equal(
      await statusOf(patch({ broadcaster_id: ARIA, id: poll.id, status: 'ACTIVE' })),
      400
    )
    assert.equal(await statusOf(patch({ broadcaster_id: ARIA, status: 'TERMINATED' })), 400)
    assert.equal(
      await statusOf(patch({ broadcaster_id: BRAM, id: poll.id, status: 'TERMINATED' })),
      403
    )
    assert.equal(
      await statusOf(
        patch({ broadcaster_id: ARIA, id: crypto.randomUUID(), status: 'TERMINATED' })
      ),
      404
    )
    assert.equal(emulator.state.getPoll(poll.id)?.status, 'ACTIVE')
  })

  test('a poll is COMPLETED once its duration has elapsed on the clock', async ({ assert }) => {
    const poll = await firstPollOf(createPoll({ duration: 60 }))

    clock.advance(59_999)
    const running = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}&id=${poll.id}`, token)
    )
    assert.equal(running.data[0].status, 'ACTIVE')

    clock.advance(1)
    const done = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}&id=${poll.id}`, token)
    )
    assert.equal(done.data[0].status, 'COMPLETED')
    assert.equal(done.data[0].ended_at, '2025-01-06T20:01:00.000Z')
    assert.equal(await statusOf(createPoll()), 200)
  })

  test('votes cast through the state show in Get Polls, and only on ACTIVE polls', async ({
    assert,
  }) => {
    const poll = await firstPollOf(createPoll())
    emulator.state.castVotes(poll.id, 1, 7)
    emulator.state.castVotes(poll.id, 2, 3)

    const body = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}`, token)
    )
    assert.deepEqual(
      body.data[0].choices.map((choice) => choice.votes),
      [0, 7, 3]
    )

    clock.advance(121_000)
    assert.throws(() => emulator.state.castVotes(poll.id, 0, 1), /ACTIVE/)
    assert.deepEqual(
      emulator.state.getPoll(poll.id)?.choices.map((choice) => choice.votes),
      [0, 7, 3]
    )
  })

  test('Get Polls: newest first, filtered by id, paginated with a cursor', async ({ assert }) => {
    const ids: string[] = []
    for (const title of ['First', 'Second', 'Third']) {
      const poll = await firstPollOf(createPoll({ title, duration: 15 }))
      ids.push(poll.id)
      clock.advance(16_000)
    }

    const all = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}`, token)
    )
    assert.deepEqual(
      all.data.map((poll) => poll.title),
      ['Third', 'Second', 'First']
    )
    assert.deepEqual(all.pagination, {})

    const byId = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}&id=${ids[0]}&id=${ids[2]}`, token)
    )
    assert.deepEqual(
      byId.data.map((poll) => poll.title),
      ['Third', 'First']
    )

    const page1 = await readJson<PollsBody>(
      await helixGet(emulator, `/polls?broadcaster_id=${ARIA}&first=2`, token)
    )
    assert.lengthOf(page1.data, 2)
    assert.isString(page1.pagination.cursor)
    const page2 = await readJson<PollsBody>(
      await helixGet(
        emulator,
        `/polls?broadcaster_id=${ARIA}&first=2&after=${page1.pagination.cursor}`,
        token
      )
    )
    assert.deepEqual(
      page2.data.map((poll) => poll.title),
      ['First']
    )
  })

  test('Get Polls needs broadcaster_id, the own channel, and at most 20 ids', async ({
    assert,
  }) => {
    const many = Array.from({ length: 21 }, () => `id=${crypto.randomUUID()}`).join('&')
    assert.equal(await statusOf(helixGet(emulator, '/polls', token)), 400)
    assert.equal(await statusOf(helixGet(emulator, `/polls?broadcaster_id=${BRAM}`, token)), 403)
    assert.equal(
      await statusOf(helixGet(emulator, `/polls?broadcaster_id=${ARIA}&${many}`, token)),
      400
    )
    assert.equal(
      await statusOf(helixGet(emulator, `/polls?broadcaster_id=${ARIA}&first=0`, token)),
      400
    )
  })

  test('a malformed JSON body is a 400 JSON answer, not a crash', async ({ assert }) => {
    const response = await fetch(`${emulator.helixUrl}/polls`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${token}`,
        'Client-Id': 'chorus-demo-client',
        'Content-Type': 'application/json',
      },
      body: '{"broadcaster_id": "1001", "title": ',
    })
    const body = await readJson<HelixErrorBody>(response)

    assert.equal(response.status, 400)
    assert.equal(body.error, 'Bad Request')
    assert.match(body.message, /JSON/)
    assert.equal(await statusOf(createPoll()), 200)
  })
})

test.group('Twitch emulator | automatic votes', (group) => {
  const clock = manualClock()
  const emulator = newEmulator({ now: clock.now, autoVotes: true, random: seededRandom(42) })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    clock.set(Date.UTC(2025, 0, 6, 20, 0, 0))
    emulator.state.reset()
  })

  const totalVotes = (pollId: string) =>
    (emulator.state.getPoll(pollId)?.choices ?? []).reduce((sum, choice) => sum + choice.votes, 0)

  test('active polls gather votes across their duration, and stop when they end', async ({
    assert,
  }) => {
    const token = emulator.state.issueTokens(ARIA).accessToken
    const response = await helixSend(
      emulator,
      'POST',
      '/polls',
      token,
      pollRequest(ARIA, { duration: 60 })
    )
    const poll = await firstPollOf(response)
    assert.equal(totalVotes(poll.id), 0)

    clock.advance(20_000)
    const early = totalVotes(poll.id)
    clock.advance(20_000)
    const later = totalVotes(poll.id)
    // Turnout is 0.5 to 3 votes a second.
    assert.isAtLeast(early, 10)
    assert.isAtMost(early, 60)
    assert.isAbove(later, early)

    clock.advance(60_000)
    const final = totalVotes(poll.id)
    clock.advance(60_000)
    assert.equal(totalVotes(poll.id), final)
    assert.equal(emulator.state.getPoll(poll.id)?.status, 'COMPLETED')
    assert.isAtMost(final, 180)
  })

  test('switching auto votes off freezes the counts', async ({ assert }) => {
    const token = emulator.state.issueTokens(BRAM).accessToken
    const response = await helixSend(emulator, 'POST', '/polls', token, pollRequest(BRAM))
    const poll = await firstPollOf(response)

    clock.advance(10_000)
    const before = totalVotes(poll.id)
    emulator.state.setAutoVotes(false)
    clock.advance(30_000)
    assert.equal(totalVotes(poll.id), before)
  })
})
