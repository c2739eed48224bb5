import { test } from '@japa/runner'
import {
  ARIA,
  BRAM,
  CASS,
  helixGet,
  manualClock,
  messageOf,
  newEmulator,
  postJson,
  readJson,
  refreshGrant,
  statusOf,
  validateToken,
} from './helpers.js'
import type { TokenAnswer } from './helpers.js'

test.group('Twitch emulator | fault injection', (group) => {
  const start = Date.UTC(2025, 0, 6, 20, 0, 0)
  const clock = manualClock(start)
  const emulator = newEmulator({ now: clock.now })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    clock.set(start)
    emulator.state.reset()
  })

  const control = (path: string, body: unknown) =>
    postJson(`${emulator.url}/_emulator${path}`, body)

  test('fail-refresh 400 answers Invalid refresh token without consuming the token', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens(ARIA)
    emulator.state.failRefresh(ARIA, { status: 400, times: 1 })

    const failed = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(failed.status, 400)
    assert.deepEqual(await readJson(failed), { status: 400, message: 'Invalid refresh token' })

    // The fault was for one call only, and the token is still good.
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 200)
  })

  test('fail-refresh 401 answers 401', async ({ assert }) => {
    const issued = emulator.state.issueTokens(ARIA)
    emulator.state.failRefresh(ARIA, { status: 401 })
    const failed = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(failed.status, 401)
    assert.deepEqual(await readJson(failed), { status: 401, message: 'Invalid refresh token' })
  })

  test('fail-refresh 429 tells when to retry (Retry-After and Ratelimit-Reset)', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens(ARIA)
    emulator.state.failRefresh(ARIA, { status: 429, retryAfterSeconds: 7 })

    const failed = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(failed.status, 429)
    assert.equal(failed.headers.get('retry-after'), '7')
    assert.equal(failed.headers.get('ratelimit-reset'), String(start / 1000 + 7))
    assert.equal(failed.headers.get('ratelimit-remaining'), '0')
  })

  test('fail-refresh 503 repeats until cleared; only that user is affected', async ({ assert }) => {
    const aria = emulator.state.issueTokens(ARIA)
    const bram = emulator.state.issueTokens(BRAM)
    emulator.state.failRefresh(ARIA, { status: 503 })

    assert.equal(await statusOf(refreshGrant(emulator, aria.refreshToken)), 503)
    assert.equal(await statusOf(refreshGrant(emulator, aria.refreshToken)), 503)
    assert.equal(await statusOf(refreshGrant(emulator, bram.refreshToken)), 200)

    emulator.state.failRefresh(ARIA, null)
    assert.equal(await statusOf(refreshGrant(emulator, aria.refreshToken)), 200)
  })

  test('fail-refresh timeout holds the request until the client gives up', async ({ assert }) => {
    const issued = emulator.state.issueTokens(ARIA)
    emulator.state.failRefresh(ARIA, { status: 'timeout', times: 1 })

    const startedAt = Date.now()
    await assert.rejects(async () => {
      await fetch(`${emulator.oauthUrl}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'chorus-demo-client',
          client_secret: 'chorus-demo-secret',
          grant_type: 'refresh_token',
          refresh_token: issued.refreshToken,
        }).toString(),
        signal: AbortSignal.timeout(300),
      })
    })
    assert.isAtLeast(Date.now() - startedAt, 250)
    // The emulator is still answering, and the token was never consumed.
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 200)
  })

  test('revoke-refresh kills the refresh token but not the access token', async ({ assert }) => {
    const issued = emulator.state.issueTokens(CASS)
    emulator.state.revokeRefresh(CASS)

    const failed = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(failed.status, 400)
    assert.deepEqual(await readJson(failed), { status: 400, message: 'Invalid refresh token' })
    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 200)
  })

  test('fail-helix answers the status for that many calls, then recovers', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(BRAM)
    emulator.state.failHelix(BRAM, { status: 500, times: 2 })

    const first = await helixGet(emulator, '/users', accessToken)
    assert.equal(first.status, 500)
    assert.deepEqual(await readJson(first), {
      error: 'Internal Server Error',
      status: 500,
      message: 'Internal Server Error',
    })
    assert.equal(await statusOf(helixGet(emulator, '/users', accessToken)), 500)
    assert.equal(await statusOf(helixGet(emulator, '/users', accessToken)), 200)
  })

  test('fail-helix 401 looks like a dead token; 429 empties the bucket', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(BRAM)
    emulator.state.failHelix(BRAM, { status: 401, times: 1 })
    const unauthorized = await helixGet(emulator, '/users', accessToken)
    assert.equal(unauthorized.status, 401)
    assert.equal(await messageOf(unauthorized), 'Invalid OAuth token')

    emulator.state.failHelix(BRAM, { status: 429, times: 1, retryAfterSeconds: 5 })
    const limited = await helixGet(emulator, '/users', accessToken)
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('ratelimit-remaining'), '0')
    assert.equal(limited.headers.get('ratelimit-reset'), String(start / 1000 + 5))
    assert.equal(limited.headers.get('ratelimit-limit'), '800')
  })

  test('invalidate-access: /validate and Helix say 401, refresh still works', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens(ARIA)
    const response = await control(`/users/${ARIA}/invalidate-access`, {})
    assert.equal(response.status, 200)

    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 401)
    assert.equal(await statusOf(helixGet(emulator, '/users', issued.accessToken)), 401)
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 200)
  })

  test('global and per-user latency delay the answers', async ({ assert }) => {
    const aria = emulator.state.issueTokens(ARIA)
    const bram = emulator.state.issueTokens(BRAM)
    emulator.state.setLatency(100)
    emulator.state.setUserLatency(ARIA, 150)

    const timed = async (action: () => Promise<Response>) => {
      const before = Date.now()
      await action()
      return Date.now() - before
    }
    const ariaTime = await timed(() => validateToken(emulator, aria.accessToken))
    const bramTime = await timed(() => validateToken(emulator, bram.accessToken))
    // The control API is not delayed.
    const controlTime = await timed(() => fetch(`${emulator.url}/_emulator/stats`))

    assert.isAtLeast(ariaTime, 240)
    assert.isAtLeast(bramTime, 90)
    assert.isBelow(bramTime, 240)
    assert.isBelow(controlTime, 90)
  })

  test('the control API arms and clears faults over HTTP', async ({ assert }) => {
    const issued = emulator.state.issueTokens(ARIA)

    const armed = await control(`/users/${ARIA}/fail-refresh`, { status: 503, times: 3 })
    assert.equal(armed.status, 200)
    assert.containsSubset(await readJson(armed), { fault: { status: 503 } })
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 503)

    await control(`/users/${ARIA}/fail-refresh`, { status: null })
    const refreshed = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(refreshed.status, 200)
    const tokens = await readJson<TokenAnswer>(refreshed)

    await control(`/users/${ARIA}/fail-helix`, { status: 502 })
    assert.equal(await statusOf(helixGet(emulator, '/users', tokens.access_token)), 502)
    await control(`/users/${ARIA}/fail-helix`, { status: null })
    assert.equal(await statusOf(helixGet(emulator, '/users', tokens.access_token)), 200)

    await control(`/users/${ARIA}/revoke-refresh`, {})
    assert.equal(await statusOf(refreshGrant(emulator, tokens.refresh_token)), 400)
  })

  test('bad fault requests are refused with 400 / 404', async ({ assert }) => {
    assert.equal(await statusOf(control(`/users/${ARIA}/fail-refresh`, { status: 200 })), 400)
    assert.equal(await statusOf(control(`/users/${ARIA}/fail-refresh`, { status: 'soon' })), 400)
    assert.equal(
      await statusOf(control(`/users/${ARIA}/fail-helix`, { status: 500, times: 0 })),
      400
    )
    assert.equal(await statusOf(control('/users/424242/fail-helix', { status: 500 })), 404)
    assert.throws(() => emulator.state.failRefresh(ARIA, { status: 302 }), /status/)
  })
})
