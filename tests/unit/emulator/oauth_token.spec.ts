import { test } from '@japa/runner'
import { DEFAULT_USER_SCOPES, type TwitchEmulator } from '#emulator/server'
import {
  CLIENT,
  manualClock,
  newEmulator,
  postForm,
  postJson,
  readJson,
  REDIRECT_URI,
  refreshGrant,
  statusOf,
  validateToken,
} from './helpers.js'
import type { TokenAnswer } from './helpers.js'

/** Goes through the authorize page's approve button and returns the code. */
async function authorizationCode(emulator: TwitchEmulator, userId: string): Promise<string> {
  const response = await postForm(`${emulator.oauthUrl}/authorize`, {
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'channel:manage:polls user:read:email',
    state: 's',
    user_id: userId,
    decision: 'approve',
  })
  const location = new URL(response.headers.get('location') ?? '')
  return location.searchParams.get('code') ?? ''
}

function exchangeCode(emulator: TwitchEmulator, code: string, overrides = {}) {
  return postForm(`${emulator.oauthUrl}/token`, {
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    code,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
    ...overrides,
  })
}

test.group('Twitch emulator | OAuth token endpoint', (group) => {
  const clock = manualClock()
  const emulator = newEmulator({ now: clock.now })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    clock.set(Date.UTC(2025, 0, 6, 20, 0, 0))
    emulator.state.reset()
  })

  test('exchanges a code for tokens with the granted scopes', async ({ assert }) => {
    const code = await authorizationCode(emulator, '1001')
    const response = await exchangeCode(emulator, code)
    const body = await readJson<TokenAnswer>(response)

    assert.equal(response.status, 200)
    assert.match(body.access_token, /^[a-z0-9]{30}$/)
    assert.match(body.refresh_token, /^[a-z0-9]{50}$/)
    assert.equal(body.expires_in, 14400)
    assert.deepEqual(body.scope, ['channel:manage:polls', 'user:read:email'])
    assert.equal(body.token_type, 'bearer')

    const validated = await readJson(await validateToken(emulator, body.access_token))
    assert.equal(validated.user_id, '1001')
  })

  test('a code works once only', async ({ assert }) => {
    const code = await authorizationCode(emulator, '1001')
    const first = await exchangeCode(emulator, code)
    const second = await exchangeCode(emulator, code)

    assert.equal(first.status, 200)
    assert.equal(second.status, 400)
    assert.deepEqual(await readJson(second), {
      status: 400,
      message: 'Invalid authorization code',
    })
  })

  test('a code is refused with a redirect_uri other than the authorize one', async ({ assert }) => {
    const code = await authorizationCode(emulator, '1001')
    const response = await exchangeCode(emulator, code, {
      redirect_uri: 'http://localhost:3333/elsewhere',
    })

    assert.equal(response.status, 400)
    assert.deepEqual(await readJson(response), {
      status: 400,
      message: 'Parameter redirect_uri does not match registered URI',
    })
  })

  test('a code expires after 10 minutes', async ({ assert }) => {
    const code = await authorizationCode(emulator, '1001')
    clock.advance(10 * 60 * 1000 + 1)
    const response = await exchangeCode(emulator, code)
    assert.equal(response.status, 400)
  })

  test('client credentials are checked: missing secret, wrong secret, unknown client', async ({
    assert,
  }) => {
    const code = await authorizationCode(emulator, '1001')
    const missingSecret = await exchangeCode(emulator, code, { client_secret: '' })
    const wrongSecret = await exchangeCode(emulator, code, { client_secret: 'guess' })
    const unknownClient = await exchangeCode(emulator, code, { client_id: 'stranger' })

    assert.equal(missingSecret.status, 400)
    assert.deepEqual(await readJson(missingSecret), {
      status: 400,
      message: 'missing client secret',
    })
    assert.equal(wrongSecret.status, 403)
    assert.deepEqual(await readJson(wrongSecret), {
      status: 403,
      message: 'invalid client secret',
    })
    assert.equal(unknownClient.status, 400)
    assert.deepEqual(await readJson(unknownClient), { status: 400, message: 'invalid client' })
    // None of the failures spent the code.
    assert.equal(await statusOf(exchangeCode(emulator, code)), 200)
  })

  test('refresh rotates: the used refresh token is dead, the old access token lives on', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens('1002')
    const response = await refreshGrant(emulator, issued.refreshToken)
    const body = await readJson<TokenAnswer>(response)

    assert.equal(response.status, 200)
    assert.notEqual(body.refresh_token, issued.refreshToken)
    assert.notEqual(body.access_token, issued.accessToken)
    assert.equal(body.expires_in, 14400)
    assert.deepEqual(body.scope, [...DEFAULT_USER_SCOPES])

    const reused = await refreshGrant(emulator, issued.refreshToken)
    assert.equal(reused.status, 400)
    assert.deepEqual(await readJson(reused), { status: 400, message: 'Invalid refresh token' })

    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 200)
    assert.equal(await statusOf(refreshGrant(emulator, body.refresh_token)), 200)
  })

  test('an unknown refresh token, or one of another client, is invalid', async ({ assert }) => {
    const unknown = await refreshGrant(emulator, 'x'.repeat(50))
    assert.equal(unknown.status, 400)
    assert.deepEqual(await readJson(unknown), { status: 400, message: 'Invalid refresh token' })
  })

  test('the token endpoint also takes its parameters in the query string', async ({ assert }) => {
    const issued = emulator.state.issueTokens('1003')
    const query = new URLSearchParams({
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: issued.refreshToken,
    })
    const response = await fetch(`${emulator.oauthUrl}/token?${query.toString()}`, {
      method: 'POST',
    })
    assert.equal(response.status, 200)
  })

  test('expires_in follows the configured lifetime and can be left out on refresh', async ({
    assert,
  }) => {
    emulator.state.setLifetime(600)
    const issued = emulator.state.issueTokens('1001')
    assert.equal(issued.expiresIn, 600)

    emulator.state.omitExpiresInOnRefresh(true)
    const body = await readJson<TokenAnswer>(await refreshGrant(emulator, issued.refreshToken))
    assert.notProperty(body, 'expires_in')
    assert.isString(body.access_token)

    const validated = await readJson(await validateToken(emulator, body.access_token))
    assert.equal(validated.expires_in, 600)
  })

  test('client_credentials issues an app token without user or refresh token', async ({
    assert,
  }) => {
    const response = await postForm(`${emulator.oauthUrl}/token`, {
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      grant_type: 'client_credentials',
    })
    const body = await readJson<TokenAnswer>(response)

    assert.equal(response.status, 200)
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type'])
    assert.equal(body.token_type, 'bearer')
    assert.isAbove(body.expires_in ?? 0, 14_400)
    const validated = await readJson(await validateToken(emulator, body.access_token))
    assert.equal(validated.client_id, CLIENT.clientId)
    assert.notProperty(validated, 'user_id')
    assert.equal(emulator.state.stats().counts['token.client_credentials'], 1)
  })

  test('app tokens can be made invalid: Helix and /validate answer 401', async ({ assert }) => {
    const first = emulator.state.issueAppToken().accessToken
    const invalidate = await postJson(`${emulator.url}/_emulator/app-token/invalidate`, {})
    assert.deepEqual(await readJson(invalidate), { ok: true, invalidated: 1 })
    assert.equal(await statusOf(validateToken(emulator, first)), 401)
    const helix = await fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
      headers: { 'Authorization': `Bearer ${first}`, 'Client-Id': CLIENT.clientId },
    })
    assert.equal(helix.status, 401)
    await helix.arrayBuffer()

    const second = emulator.state.issueAppToken().accessToken
    assert.equal(await statusOf(validateToken(emulator, second)), 200)
    const userToken = emulator.state.issueTokens('1002').accessToken
    assert.equal(await statusOf(validateToken(emulator, userToken)), 200)
  })

  test('missing or unknown grant types are 400', async ({ assert }) => {
    const missing = await postForm(`${emulator.oauthUrl}/token`, { client_id: CLIENT.clientId })
    const unknown = await postForm(`${emulator.oauthUrl}/token`, {
      client_id: CLIENT.clientId,
      grant_type: 'password',
    })
    assert.equal(missing.status, 400)
    assert.equal(unknown.status, 400)
  })

  test('counts every refresh per user, failures included', async ({ assert }) => {
    const issued = emulator.state.issueTokens('1002')
    await refreshGrant(emulator, issued.refreshToken)
    await refreshGrant(emulator, issued.refreshToken)

    const stats = emulator.state.stats()
    assert.equal(stats.counts['token.refresh_token'], 2)
    assert.equal(stats.failures['token.refresh_token'], 1)
    assert.equal(stats.byUser['1002']['token.refresh_token'], 2)
  })
})
