import { test } from '@japa/runner'
import twitchConfig from '#config/twitch'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import {
  TwitchPermanentError,
  TwitchTimeoutError,
  TwitchTransientError,
} from '#services/twitch/twitch_errors'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * The OAuth client against the running emulator: every Twitch answer must
 * land in the right error class, since the refresh policy deactivates on
 * permanent failures only.
 */
test.group('TwitchOAuthClient', (group) => {
  const client = new TwitchOAuthClient({ ...twitchConfig, timeoutMs: 1500 })
  let userId: string

  group.each.setup(() => {
    twitchEmulator.state.reset()
    userId = twitchEmulator.state.createUser({ login: `oauth_${Date.now()}` }).id
  })

  test('a refresh returns a new pair and kills the used refresh token', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)

    const refreshed = await client.refresh(issued.refreshToken)
    assert.notEqual(refreshed.accessToken, issued.accessToken)
    assert.isString(refreshed.refreshToken)
    assert.notEqual(refreshed.refreshToken, issued.refreshToken)
    assert.isAbove(refreshed.expiresIn!, 0)
    assert.include(refreshed.scopes, 'channel:manage:polls')

    const error = await client.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchPermanentError)
    assert.equal(error.kind, 'permanent')
    assert.equal(error.status, 400)
    assert.equal(error.twitchMessage, 'Invalid refresh token')
  })

  test('a revoked refresh token is a permanent failure', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    twitchEmulator.state.revokeRefresh(userId)

    const error = await client.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchPermanentError)
    assert.equal(error.status, 400)
  })

  test('a 503 is transient', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    twitchEmulator.state.failRefresh(userId, { status: 503 })

    const error = await client.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchTransientError)
    assert.equal(error.kind, 'transient')
    assert.equal(error.status, 503)
  })

  test('a 429 is transient and carries the time to wait', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    twitchEmulator.state.failRefresh(userId, { status: 429, retryAfterSeconds: 7 })

    const error = await client.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchTransientError)
    assert.equal(error.status, 429)
    assert.isAtLeast(error.retryAfterMs, 6000)
    assert.isAtMost(error.retryAfterMs, 7000)
  })

  test('no answer within the timeout is a transient timeout', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    twitchEmulator.state.failRefresh(userId, { status: 'timeout' })
    const impatient = new TwitchOAuthClient({ ...twitchConfig, timeoutMs: 200 })

    const error = await impatient.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchTimeoutError)
    assert.equal(error.kind, 'transient')
    assert.include(error.message, '200 ms')
  })

  test('an unreachable Twitch is transient', async ({ assert }) => {
    const offline = new TwitchOAuthClient({
      ...twitchConfig,
      oauthUrl: 'http://127.0.0.1:9/oauth2',
    })

    const error = await offline.refresh('whatever').catch((e) => e)
    assert.instanceOf(error, TwitchTransientError)
    assert.include(error.message, 'could not be reached')
  })

  test('a wrong client secret is permanent', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    const wrong = new TwitchOAuthClient({ ...twitchConfig, clientSecret: 'not-the-secret' })

    const error = await wrong.refresh(issued.refreshToken).catch((e) => e)
    assert.instanceOf(error, TwitchPermanentError)
  })

  test('validate answers the token owner, and null once the token is dead', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)

    const validation = await client.validate(issued.accessToken)
    assert.equal(validation?.userId, userId)
    assert.equal(validation?.clientId, twitchConfig.clientId)
    assert.isAbove(validation!.expiresIn, 0)

    twitchEmulator.state.invalidateAccess(userId)
    assert.isNull(await client.validate(issued.accessToken))
  })

  test('revoke makes the access token invalid', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)

    await client.revoke(issued.accessToken)
    assert.isNull(await client.validate(issued.accessToken))
  })

  test('no error message ever carries a token', async ({ assert }) => {
    const issued = twitchEmulator.state.issueTokens(userId)
    twitchEmulator.state.failRefresh(userId, { status: 400 })

    const error = await client.refresh(issued.refreshToken).catch((e) => e)
    assert.notInclude(error.message, issued.refreshToken)
    assert.notInclude(error.message, issued.accessToken)
  })
})
