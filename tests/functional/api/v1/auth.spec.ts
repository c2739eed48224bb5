import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { apiCall, apiLaunch, apiTestSetup, apiTokenOf, useApiSettings } from '#tests/helpers/api'
import { campaignWithChannels, launchedPoll, SEEDED } from '#tests/helpers/polls'

/** Every route of the API, with ids that exist when `launchedPoll` made them. */
function routes(campaignId: number, runId: number) {
  return [
    ['get', '/api/v1/me'],
    ['get', '/api/v1/campaigns'],
    ['get', `/api/v1/campaigns/${campaignId}/readiness`],
    ['post', `/api/v1/campaigns/${campaignId}/polls`],
    ['get', `/api/v1/runs/${runId}`],
    ['post', `/api/v1/runs/${runId}/end`],
  ] as const
}

/**
 * Who may call the JSON API: a bearer token only — never the session
 * cookie — answered in JSON whatever goes wrong, and rate limited per token.
 */
test.group('API v1: tokens and errors', (group) => {
  apiTestSetup(group)

  test('every route answers 401 in JSON without a token, with a revoked token and with only a session cookie', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run } = await launchedPoll(client, [SEEDED.bram])
    const revoked = await apiTokenOf(gm, 'Old macro')
    await db.from('auth_access_tokens').delete()

    for (const [method, url] of routes(campaign.id, run.id)) {
      for (const request of [
        apiCall(client, method, url, null),
        apiCall(client, method, url, revoked),
        // Signed in on the pages, with the CSRF token a page would send: still not the API.
        client[method](url).loginAs(gm).withCsrfToken().redirects(0),
      ]) {
        const response = await request
        response.assertStatus(401)
        assert.match(response.header('content-type') ?? '', /^application\/json/)
        assert.equal(response.header('www-authenticate'), 'Bearer realm="Chorus API"')
        assert.match(response.body().errors[0].message, /Authorization: Bearer <token>/)
      }
    }
    // Nothing was ended by the refused calls.
    await run.refresh()
    assert.equal(run.status, 'running')
  })

  test('an expired token and malformed tokens are refused with 401, never a 500', async ({
    client,
  }) => {
    const user = await UserFactory.create()
    const expired = await apiTokenOf(user)
    await db.from('auth_access_tokens').update({ expires_at: new Date(Date.now() - 1000) })

    for (const token of [
      expired,
      'garbage',
      // The id part decodes to "abc" / a number past PostgreSQL's integer range
      `chorus_${Buffer.from('abc').toString('base64url')}.c2VjcmV0`,
      `chorus_${Buffer.from('99999999999').toString('base64url')}.c2VjcmV0`,
      // A real id with a wrong secret
      `${expired.split('.')[0]}.d3Jvbmc`,
    ]) {
      const response = await apiCall(client, 'get', '/api/v1/me', token)
      response.assertStatus(401)
    }
  })

  test('a valid token records when it was last used, and the secret is never stored', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()
    const token = await apiTokenOf(user)
    const before = await db.from('auth_access_tokens').firstOrFail()
    assert.isNull(before.last_used_at)

    const response = await apiCall(client, 'get', '/api/v1/me', token)
    response.assertStatus(200)

    const after = await db.from('auth_access_tokens').firstOrFail()
    assert.instanceOf(after.last_used_at, Date)
    const secret = Buffer.from(token.split('.')[1], 'base64url').toString()
    assert.notInclude(JSON.stringify(after), secret)
    assert.notInclude(JSON.stringify(after), token)
  })

  test('last_used_at is rewritten at most once a minute, not on every call', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()
    const token = await apiTokenOf(user)
    const recent = new Date(Date.now() - 30_000)
    await db.from('auth_access_tokens').update({ last_used_at: recent })

    await apiCall(client, 'get', '/api/v1/me', token)
    const unchanged = await db.from('auth_access_tokens').firstOrFail()
    assert.equal(unchanged.last_used_at.getTime(), recent.getTime())

    const old = new Date(Date.now() - 120_000)
    await db.from('auth_access_tokens').update({ last_used_at: old })
    await apiCall(client, 'get', '/api/v1/me', token)
    const updated = await db.from('auth_access_tokens').firstOrFail()
    assert.isAbove(updated.last_used_at.getTime(), old.getTime() + 60_000)
  })

  test('past the per-token limit: 429 with Retry-After, in JSON; another token is not limited', async ({
    client,
    assert,
  }) => {
    useApiSettings({ requestsPerMinute: 3 })
    const user = await UserFactory.create()
    const busy = await apiTokenOf(user, 'Busy bot')
    const other = await apiTokenOf(user, 'Macro')

    for (let call = 1; call <= 3; call++) {
      const response = await apiCall(client, 'get', '/api/v1/me', busy)
      response.assertStatus(200)
      assert.equal(response.header('x-ratelimit-remaining'), String(3 - call))
    }
    const limited = await apiCall(client, 'get', '/api/v1/me', busy)
    limited.assertStatus(429)
    const retryAfter = Number(limited.header('retry-after'))
    assert.isAbove(retryAfter, 0)
    assert.isAtMost(retryAfter, 60)
    assert.match(
      limited.body().errors[0].message,
      /^Too many requests with this token: try again in \d+ seconds?\.$/
    )

    const fine = await apiCall(client, 'get', '/api/v1/me', other)
    fine.assertStatus(200)
  })

  test('launches have a tighter limit of their own', async ({ client, assert }) => {
    useApiSettings({ launchesPerMinute: 1 })
    const { gm, campaign } = await campaignWithChannels([SEEDED.pat])
    const token = await apiTokenOf(gm)
    const body = { title: 'Left or right?', choices: ['Left', 'Right'], duration: 60 }

    // The first launch counts (no channel can run it here: a 422), the second is throttled.
    const first = await apiLaunch(client, campaign.id, token).json(body)
    first.assertStatus(422)
    const second = await apiLaunch(client, campaign.id, token).json(body)
    second.assertStatus(429)
    assert.isAbove(Number(second.header('retry-after')), 0)

    // Reads go on.
    const read = await apiCall(client, 'get', '/api/v1/campaigns', token)
    read.assertStatus(200)
  })

  test('unknown routes, odd ids and a broken JSON body answer JSON errors, not pages', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)

    for (const url of [
      '/api/v1/nope',
      '/api/v1/runs/abc',
      '/api/v1/runs/99999999999',
      '/api/v1/runs/0',
    ]) {
      // Even for a client that prefers HTML (a browser tab).
      const response = await apiCall(client, 'get', url, token).header('Accept', 'text/html')
      response.assertStatus(404)
      assert.match(response.header('content-type') ?? '', /^application\/json/)
      assert.isString(response.body().errors[0].message)
    }

    // A body cut short, sent as it is (the test client would serialize it).
    const broken = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/api/v1/campaigns/${campaign.id}/polls`,
      {
        method: 'POST',
        headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{"title": "unfinished',
      }
    )
    assert.isAtLeast(broken.status, 400)
    assert.isBelow(broken.status, 500)
    assert.match(broken.headers.get('content-type') ?? '', /^application\/json/)
    const brokenBody = (await broken.json()) as { errors: { message: string }[] }
    assert.isString(brokenBody.errors[0].message)
  })

  test('cross-origin calls (a VTT page) are allowed on the API only, without credentials', async ({
    client,
    assert,
  }) => {
    const preflight = await client
      .options('/api/v1/campaigns/1/polls')
      .header('Origin', 'http://localhost:30000')
      .header('Access-Control-Request-Method', 'POST')
      .header('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key')
    preflight.assertStatus(204)
    assert.equal(preflight.header('access-control-allow-origin'), '*')
    assert.match(preflight.header('access-control-allow-headers') ?? '', /idempotency-key/i)
    assert.isUndefined(preflight.header('access-control-allow-credentials'))

    const page = await client.get('/').header('Origin', 'http://localhost:30000')
    assert.isUndefined(page.header('access-control-allow-origin'))
  })
})
