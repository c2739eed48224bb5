import { test } from '@japa/runner'
import twitchConfig from '#config/twitch'
import { twitchRequest } from '#services/twitch/twitch_http'
import {
  TwitchPermanentError,
  TwitchTransientError,
  TwitchUnauthorizedError,
} from '#services/twitch/twitch_errors'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * The one HTTP call to Twitch, against the emulator's fault controls: every
 * answer lands in the error class the refresh policy decides on.
 */
test.group('twitchRequest', (group) => {
  let userId: string

  group.each.setup(() => {
    twitchEmulator.state.reset()
    userId = twitchEmulator.state.createUser({ login: `http_${Date.now()}` }).id
  })

  const refresh = (refreshToken: string, overrides: Record<string, string> = {}) =>
    twitchRequest({
      method: 'POST',
      url: `${twitchConfig.oauthUrl}/token`,
      form: {
        client_id: twitchConfig.clientId,
        client_secret: twitchConfig.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        ...overrides,
      },
      timeoutMs: 2000,
      action: 'refresh token',
    })

  const getUsers = (accessToken: string) =>
    twitchRequest({
      method: 'GET',
      url: `${twitchConfig.helixUrl}/users`,
      headers: { 'Authorization': `Bearer ${accessToken}`, 'Client-Id': twitchConfig.clientId },
      timeoutMs: 2000,
      action: 'get users',
    })

  test('a {$self} from OAuth is transient, with its status and Twitch message')
    .with([500, 502] as const)
    .run(async ({ assert }, status) => {
      const issued = twitchEmulator.state.issueTokens(userId)
      twitchEmulator.state.failRefresh(userId, { status, times: 1 })

      const error = await refresh(issued.refreshToken).catch((e) => e)
      assert.instanceOf(error, TwitchTransientError)
      assert.equal(error.status, status)
      assert.equal(error.kind, 'transient')
      assert.match(error.message, new RegExp(`^Twitch answered ${status} to refresh token`))
      // No Retry-After on an outage: the caller backs off on its own.
      assert.isNull(error.retryAfterMs)

      // The fault is spent and the refresh token was not: the next call works.
      const answer = await refresh(issued.refreshToken)
      assert.equal(answer.status, 200)
    })

  test('a {$self} from Helix is transient')
    .with([500, 502] as const)
    .run(async ({ assert }, status) => {
      const { accessToken } = twitchEmulator.state.issueTokens(userId)
      twitchEmulator.state.failHelix(userId, { status, times: 1 })

      const error = await getUsers(accessToken).catch((e) => e)
      assert.instanceOf(error, TwitchTransientError)
      assert.equal(error.status, status)

      const answer = await getUsers(accessToken)
      assert.equal(answer.status, 200)
      assert.isNotNull(answer.rateLimit)
    })

  test('a 403 (wrong client secret) and a 404 (wrong address) are refusals, not outages', async ({
    assert,
  }) => {
    const issued = twitchEmulator.state.issueTokens(userId)

    const forbidden = await refresh(issued.refreshToken, { client_secret: 'wrong' }).catch((e) => e)
    assert.instanceOf(forbidden, TwitchPermanentError)
    assert.notInstanceOf(forbidden, TwitchUnauthorizedError)
    assert.equal(forbidden.status, 403)
    assert.equal(forbidden.twitchMessage, 'invalid client secret')

    const missing = await twitchRequest({
      method: 'POST',
      url: `${twitchConfig.oauthUrl}/v0/token`,
      form: { grant_type: 'refresh_token' },
      timeoutMs: 2000,
      action: 'refresh token',
    }).catch((e) => e)
    assert.instanceOf(missing, TwitchPermanentError)
    assert.equal(missing.status, 404)
  })
})
