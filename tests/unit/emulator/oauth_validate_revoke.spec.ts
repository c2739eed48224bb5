import { test } from '@japa/runner'
import {
  CLIENT,
  manualClock,
  newEmulator,
  postForm,
  readJson,
  refreshGrant,
  statusOf,
  validateToken,
} from './helpers.js'

test.group('Twitch emulator | OAuth validate and revoke', (group) => {
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

  test('validate describes a live token and counts its remaining lifetime down', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens('1001', ['channel:manage:polls'])
    clock.advance(100_000)
    const response = await validateToken(emulator, issued.accessToken)

    assert.equal(response.status, 200)
    assert.deepEqual(await readJson(response), {
      client_id: CLIENT.clientId,
      login: 'aria_plays',
      scopes: ['channel:manage:polls'],
      user_id: '1001',
      expires_in: 14400 - 100,
    })
  })

  test('validate answers scopes: null for a token without scopes, as Twitch does', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens('1001', [])
    const body = await readJson(await validateToken(emulator, issued.accessToken))
    assert.isNull(body.scopes)
  })

  test('validate answers 401 for an unknown token and without a token', async ({ assert }) => {
    const unknown = await validateToken(emulator, 'not-a-token')
    const missing = await fetch(`${emulator.oauthUrl}/validate`)

    assert.equal(unknown.status, 401)
    assert.deepEqual(await readJson(unknown), { status: 401, message: 'invalid access token' })
    assert.equal(missing.status, 401)
  })

  test('an access token is invalid once its lifetime has passed on the clock', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens('1001')
    clock.advance(14_399_000)
    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 200)

    clock.advance(1000)
    const expired = await validateToken(emulator, issued.accessToken)
    assert.equal(expired.status, 401)
    assert.deepEqual(await readJson(expired), { status: 401, message: 'invalid access token' })
    // The refresh token outlives the access token.
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 200)
  })

  test('revoke kills an access token', async ({ assert }) => {
    const issued = emulator.state.issueTokens('1002')
    const response = await postForm(`${emulator.oauthUrl}/revoke`, {
      client_id: CLIENT.clientId,
      token: issued.accessToken,
    })

    assert.equal(response.status, 200)
    assert.equal(await response.text(), '')
    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 401)
    assert.equal(emulator.state.stats().byUser['1002'].revoke, 1)
  })

  test('revoke kills a refresh token', async ({ assert }) => {
    const issued = emulator.state.issueTokens('1002')
    await postForm(`${emulator.oauthUrl}/revoke`, {
      client_id: CLIENT.clientId,
      token: issued.refreshToken,
    })
    assert.equal(await statusOf(refreshGrant(emulator, issued.refreshToken)), 400)
  })

  test('revoke refuses an unknown client or token', async ({ assert }) => {
    const issued = emulator.state.issueTokens('1002')
    const unknownClient = await postForm(`${emulator.oauthUrl}/revoke`, {
      client_id: 'stranger',
      token: issued.accessToken,
    })
    const unknownToken = await postForm(`${emulator.oauthUrl}/revoke`, {
      client_id: CLIENT.clientId,
      token: 'nothing-like-it',
    })

    assert.equal(unknownClient.status, 404)
    assert.equal(unknownToken.status, 400)
    assert.equal(await statusOf(validateToken(emulator, issued.accessToken)), 200)
  })
})
