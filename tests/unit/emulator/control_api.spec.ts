import { test } from '@japa/runner'
import {
  ARIA,
  firstPollOf,
  helixGet,
  helixSend,
  newEmulator,
  pollRequest,
  postJson,
  readJson,
  statusOf,
  validateToken,
} from './helpers.js'
import type { HelixErrorBody, PollBody } from './helpers.js'
import { waitUntil } from '#tests/helpers/wait_until'

interface UserListBody {
  data: { id: string; login: string; broadcasterType: string }[]
}

test.group('Twitch emulator | control API', (group) => {
  const emulator = newEmulator()

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => emulator.state.reset())

  const control = (path: string, body?: unknown) =>
    body === undefined
      ? fetch(`${emulator.url}/_emulator${path}`)
      : postJson(`${emulator.url}/_emulator${path}`, body)

  test('lists the seeded users with stable ids and types', async ({ assert }) => {
    const body = await readJson<UserListBody>(await control('/users'))
    assert.deepEqual(
      body.data.map((user) => [user.id, user.login, user.broadcasterType]),
      [
        ['1001', 'aria_plays', 'partner'],
        ['1002', 'bram_rolls', 'affiliate'],
        ['1003', 'cass_casts', 'affiliate'],
        ['1004', 'dorian_dm', 'affiliate'],
        ['1005', 'plain_pat', ''],
      ]
    )
  })

  test('creates users (numeric ids, unique logins) and issues them tokens', async ({ assert }) => {
    const created = await control('/users', { login: 'Zed_Zaps', broadcasterType: 'partner' })
    const { data: user } = await readJson<{ data: { id: string; login: string } }>(created)
    assert.equal(created.status, 201)
    assert.match(user.id, /^\d+$/)
    assert.equal(user.login, 'zed_zaps')

    assert.equal(await statusOf(control('/users', { login: 'zed_zaps' })), 409)
    assert.equal(await statusOf(control('/users', { login: 'a b' })), 400)
    assert.equal(
      await statusOf(control('/users', { login: 'okay_name', broadcasterType: 'vip' })),
      400
    )

    const issued = await control(`/users/${user.id}/tokens`, { scopes: ['user:read:email'] })
    const tokens = await readJson<{ accessToken: string; scopes: string[] }>(issued)
    assert.equal(issued.status, 201)
    assert.deepEqual(tokens.scopes, ['user:read:email'])
    const validated = await readJson(await validateToken(emulator, tokens.accessToken))
    assert.equal(validated.login, 'zed_zaps')

    assert.equal(await statusOf(control('/users/999999/tokens', {})), 404)
  })

  test('casts votes and reads a poll', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(ARIA)
    const created = await helixSend(emulator, 'POST', '/polls', accessToken, pollRequest(ARIA))
    const poll = await firstPollOf(created)

    const voted = await control(`/polls/${poll.id}/votes`, { choiceIndex: 0, count: 12 })
    assert.equal(voted.status, 200)
    const read = await readJson<{ data: PollBody }>(await control(`/polls/${poll.id}`))
    assert.equal(read.data.choices[0].votes, 12)

    assert.equal(
      await statusOf(control(`/polls/${poll.id}/votes`, { choiceIndex: 9, count: 1 })),
      400
    )
    assert.equal(
      await statusOf(control(`/polls/${poll.id}/votes`, { choiceIndex: 0, count: -1 })),
      400
    )
    assert.equal(await statusOf(control('/polls/unknown-poll')), 404)
  })

  test('switches: lifetime, omit-expires-in, latency, automod, auto-votes', async ({ assert }) => {
    assert.equal(await statusOf(control('/lifetime', { seconds: 900 })), 200)
    assert.equal(await statusOf(control('/omit-expires-in', { enabled: true })), 200)
    assert.equal(await statusOf(control('/latency', { ms: 5 })), 200)
    assert.equal(await statusOf(control(`/users/${ARIA}/latency`, { ms: 7 })), 200)
    assert.equal(await statusOf(control('/automod', { words: ['goblin'] })), 200)
    assert.equal(await statusOf(control('/auto-votes', { enabled: true })), 200)

    assert.deepEqual(emulator.state.settings, {
      tokenLifetimeSeconds: 900,
      latencyMs: 5,
      userLatencyMs: { [ARIA]: 7 },
      omitExpiresInOnRefresh: true,
      rateLimit: 800,
      automodWords: ['goblin'],
      autoVotes: true,
      autoChat: false,
      eventsubRetryDelaysMs: [1000, 4000],
      eventsubTimeoutMs: 3000,
      eventsubPageSize: 100,
    })
    assert.equal(emulator.state.issueTokens(ARIA).expiresIn, 900)

    assert.equal(await statusOf(control('/lifetime', { seconds: 'long' })), 400)
    assert.equal(await statusOf(control('/latency', { ms: -1 })), 400)
    assert.equal(await statusOf(control('/automod', {})), 400)
  })

  test('stats count per kind and per user, and reset to zero', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(ARIA)
    await validateToken(emulator, accessToken)
    await helixGet(emulator, '/users', accessToken)

    const stats = await readJson<{
      counts: Record<string, number>
      byUser: Record<string, Record<string, number>>
      helixCalls: number
    }>(await control('/stats'))
    assert.equal(stats.counts.validate, 1)
    assert.equal(stats.counts.users, 1)
    assert.equal(stats.byUser[ARIA].validate, 1)
    assert.equal(stats.helixCalls, 1)

    assert.equal(await statusOf(control('/stats/reset', {})), 200)
    const after = emulator.state.stats()
    assert.equal(after.counts.validate, 0)
    assert.equal(after.helixCalls, 0)
    assert.deepEqual(after.byUser, {})
  })

  test('reset returns to the seeded state with the original settings', async ({ assert }) => {
    const zed = emulator.state.createUser({ login: 'zed_zaps' })
    const { accessToken } = emulator.state.issueTokens(ARIA)
    emulator.state.setLifetime(60)
    emulator.state.failHelix(ARIA, { status: 500 })

    assert.equal(await statusOf(control('/reset', {})), 200)

    assert.isUndefined(emulator.state.users.get(zed.id))
    assert.lengthOf(emulator.state.users.list(), 5)
    assert.equal(await statusOf(validateToken(emulator, accessToken)), 401)
    assert.equal(emulator.state.settings.tokenLifetimeSeconds, 14400)
    assert.isUndefined(emulator.state.helixFaults.peek(ARIA))
    // Ids of created users start over too.
    assert.equal(emulator.state.createUser({ login: 'zed_zaps' }).id, zed.id)
  })

  test('malformed JSON is a 400 JSON answer and unknown routes a 404 JSON answer', async ({
    assert,
  }) => {
    const malformed = await fetch(`${emulator.url}/_emulator/latency`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"ms": ',
    })
    assert.equal(malformed.status, 400)
    const malformedBody = await readJson<HelixErrorBody>(malformed)
    assert.equal(malformedBody.error, 'Bad Request')

    const notObject = await postJson(`${emulator.url}/_emulator/latency`, [1, 2])
    assert.equal(notObject.status, 400)

    const unknown = await fetch(`${emulator.url}/_emulator/nothing-here`)
    assert.equal(unknown.status, 404)
    assert.deepInclude(await readJson<HelixErrorBody>(unknown), { error: 'Not Found', status: 404 })

    const unknownHelix = await fetch(`${emulator.helixUrl}/streams`)
    assert.equal(unknownHelix.status, 404)
    assert.deepEqual(Object.keys(await readJson(unknownHelix)), ['error', 'status', 'message'])

    const unknownOauth = await fetch(`${emulator.oauthUrl}/device`)
    assert.equal(unknownOauth.status, 404)
    assert.deepEqual(Object.keys(await readJson(unknownOauth)), ['status', 'message'])

    const badEscape = await fetch(`${emulator.url}/_emulator/polls/%zz`)
    assert.equal(badEscape.status, 404)

    // Still alive.
    assert.equal(await statusOf(control('/users')), 200)
  })
})

test.group('Twitch emulator | server lifecycle', () => {
  test('url is only known after listen; oauth and helix urls derive from it', async ({
    assert,
  }) => {
    const emulator = newEmulator()
    assert.throws(() => emulator.url, /listen/)
    await emulator.listen(0)
    try {
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.equal(emulator.oauthUrl, `${emulator.url}/oauth2`)
      assert.equal(emulator.helixUrl, `${emulator.url}/helix`)
    } finally {
      await emulator.close()
    }
  })

  test('close() returns promptly despite keep-alive and held connections', async ({ assert }) => {
    const emulator = newEmulator()
    await emulator.listen(0)
    const issued = emulator.state.issueTokens(ARIA)
    // A keep-alive connection from fetch, and a request held open forever.
    await fetch(`${emulator.url}/_emulator/users`)
    emulator.state.failRefresh(ARIA, { status: 'timeout' })
    const held = fetch(`${emulator.oauthUrl}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&client_id=chorus-demo-client&client_secret=chorus-demo-secret&refresh_token=${issued.refreshToken}`,
    }).then(
      () => 'answered',
      () => 'dropped'
    )
    // The refresh has reached the emulator, which holds it open.
    await waitUntil(() => emulator.state.stats().counts['token.refresh_token'] === 1)

    const before = Date.now()
    await emulator.close()
    assert.isBelow(Date.now() - before, 1000)
    assert.equal(await held, 'dropped')
  })

  test('listen() rejects when the port is taken', async ({ assert }) => {
    const first = newEmulator()
    await first.listen(0)
    const port = Number(new URL(first.url).port)
    const second = newEmulator()
    try {
      await assert.rejects(() => second.listen(port), /EADDRINUSE/)
    } finally {
      await first.close()
      await second.close()
    }
  })
})
