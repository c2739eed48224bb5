import { emptyDatabase } from '#tests/helpers/empty_database'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Streamer from '#models/streamer'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import lock from '@adonisjs/lock/services/main'
import { StreamerLock } from '#services/tokens/streamer_lock'
import { watchRedisCommands } from '#tests/helpers/redis_monitor'
import { waitUntil } from '#tests/helpers/wait_until'

/**
 * The whole sign-in over real HTTP: our server, the emulator's authorize
 * page and token endpoint, our callback, the session.
 */
test.group('Sign in with Twitch', (group) => {
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    return emptyDatabase()
  })

  test('redirect sends the browser to Twitch with the scopes and a state', async ({ assert }) => {
    const session = new HttpSession()
    const response = await session.get('/auth/twitch/redirect')

    assert.equal(response.status, 302)
    const location = new URL(response.headers.get('location')!)
    assert.equal(`${location.origin}${location.pathname}`, `${twitchEmulator.oauthUrl}/authorize`)
    assert.equal(location.searchParams.get('response_type'), 'code')
    assert.equal(location.searchParams.get('client_id'), 'chorus-test-client')
    assert.equal(
      location.searchParams.get('redirect_uri'),
      `${process.env.APP_URL}/auth/twitch/callback`
    )
    const scopes = location.searchParams.get('scope')!.split(' ')
    assert.includeMembers(scopes, [
      'channel:manage:polls',
      'channel:read:polls',
      'user:read:email',
      'user:read:chat',
      'user:write:chat',
      'user:bot',
      'channel:bot',
    ])
    assert.isAbove(location.searchParams.get('state')!.length, 16)
  })

  test('approving creates the user and streamer and lands on the dashboard', async ({ assert }) => {
    const session = new HttpSession()
    const callback = await signInWithTwitch(session, '1001')

    assert.equal(callback.status, 302)
    assert.equal(callback.headers.get('location'), '/dashboard')

    const dashboard = await session.get('/dashboard')
    assert.equal(dashboard.status, 200)
    const html = await dashboard.text()
    assert.include(html, 'Aria_Plays')
    assert.include(html, 'aria_plays')

    const streamer = await Streamer.query()
      .where('twitch_user_id', '1001')
      .preload('user')
      .firstOrFail()
    assert.equal(streamer.user.displayName, 'Aria_Plays')
    assert.equal(streamer.user.email, 'aria_plays@example.test')
    assert.equal(streamer.broadcasterType, 'partner')
    assert.includeMembers(streamer.scopes, ['channel:manage:polls'])
    assert.isTrue(streamer.isActive)
    assert.isNotNull(streamer.tokenExpiresAt)
    const secondsLeft = streamer.tokenExpiresAt!.diffNow('seconds').seconds
    assert.closeTo(secondsLeft, twitchEmulator.state.tokenLifetimeSeconds, 30)

    const validation = await fetch(`${twitchEmulator.oauthUrl}/validate`, {
      headers: { Authorization: `OAuth ${streamer.accessToken}` },
    })
    assert.equal(validation.status, 200, 'the stored access token is the one Twitch issued')
    assert.equal(twitchEmulator.state.stats().counts['token.authorization_code'], 1)
  })

  test('the streamers row never holds a token in plain text', async ({ assert }) => {
    const session = new HttpSession()
    await signInWithTwitch(session, '1002')
    const streamer = await Streamer.findByOrFail('twitch_user_id', '1002')

    const row = await db.from('streamers').where('id', streamer.id).firstOrFail()
    const rowText = JSON.stringify(row)
    assert.notInclude(rowText, streamer.accessToken!)
    assert.notInclude(rowText, streamer.refreshToken!)
  })

  test('a denial shows a friendly page and signs nobody in', async ({ assert }) => {
    const session = new HttpSession()
    const callback = await signInWithTwitch(session, '1001', 'deny')

    assert.equal(callback.status, 400)
    assert.include(await callback.text(), 'You declined the request on Twitch')
    assert.equal(await session.statusOf('/dashboard'), 302)
    assert.lengthOf(await Streamer.all(), 0)
  })

  test('a wrong state is refused without exchanging the code', async ({ assert }) => {
    const session = new HttpSession()
    const start = await session.get('/auth/twitch/redirect')
    const authorizeUrl = new URL(start.headers.get('location')!)
    authorizeUrl.searchParams.set('state', 'forged-state-value')

    const decided = await fetch(`${twitchEmulator.oauthUrl}/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(authorizeUrl.searchParams),
        user_id: '1001',
        decision: 'approve',
      }).toString(),
      redirect: 'manual',
    })
    const callbackUrl = new URL(decided.headers.get('location')!)
    const callback = await session.get(callbackUrl.pathname + callbackUrl.search)

    assert.equal(callback.status, 400)
    assert.include(await callback.text(), 'Please start again')
    assert.equal(twitchEmulator.state.stats().counts['token.authorization_code'] ?? 0, 0)
    assert.lengthOf(await Streamer.all(), 0)
  })

  test('a callback without any state cookie is refused', async ({ assert }) => {
    const session = new HttpSession()
    const callback = await session.get('/auth/twitch/callback?code=abc&state=xyz')

    assert.equal(callback.status, 400)
    assert.notInclude(await callback.text(), 'Exception')
  })

  test('Twitch failing the code exchange shows a friendly page, not a 500', async ({ assert }) => {
    const session = new HttpSession()
    const start = await session.get('/auth/twitch/redirect')
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!

    const callback = await session.get(`/auth/twitch/callback?code=never-issued&state=${state}`)
    assert.equal(callback.status, 400)
    assert.include(await callback.text(), 'Twitch refused the sign-in')
  })

  test('signing in again re-activates a deactivated streamer', async ({ assert }) => {
    await signInWithTwitch(new HttpSession(), '1003')
    const streamer = await Streamer.findByOrFail('twitch_user_id', '1003')
    const oldAccessToken = streamer.accessToken
    streamer.merge({ isActive: false, tokenRefreshFailedAt: streamer.tokenExpiresAt })
    await streamer.save()

    const callback = await signInWithTwitch(new HttpSession(), '1003')
    assert.equal(callback.headers.get('location'), '/dashboard')

    await streamer.refresh()
    assert.isTrue(streamer.isActive)
    assert.isNull(streamer.tokenRefreshFailedAt)
    assert.notEqual(streamer.accessToken, oldAccessToken)
    assert.lengthOf(await Streamer.query().where('twitch_user_id', '1003'), 1)
  })

  test('a new sign-in waits for a refresh in flight, then wins', async ({ assert }) => {
    await signInWithTwitch(new HttpSession(), '1003')
    const streamer = await Streamer.findByOrFail('twitch_user_id', '1003')

    // A refresh holds the streamer's lock and is about to record a deactivation.
    const refreshLock = lock.createLock(StreamerLock.key(streamer.id), '30s')
    await refreshLock.acquire()
    const redisCommands = await watchRedisCommands()
    let signedIn = false
    const secondSignIn = signInWithTwitch(new HttpSession(), '1003').then((response) => {
      signedIn = true
      return response
    })
    try {
      // The sign-in has tried the lock (and found it taken)…
      await waitUntil(() => redisCommands.sawKey(StreamerLock.key(streamer.id)))
    } finally {
      await redisCommands.stop()
    }
    assert.isFalse(signedIn, 'the sign-in waits while the refresh holds the lock')

    await Streamer.query().where('id', streamer.id).update({ is_active: false })
    await refreshLock.release()

    const callback = await secondSignIn
    assert.equal(callback.headers.get('location'), '/dashboard')
    await streamer.refresh()
    assert.isTrue(streamer.isActive, 'the grant written after the refresh is the one that stays')
  })

  test('logout ends the session', async ({ assert }) => {
    const session = new HttpSession()
    await signInWithTwitch(session, '1001')
    assert.equal(await session.statusOf('/dashboard'), 200)

    const logout = await session.postForm('/logout')
    assert.equal(logout.status, 302)
    assert.equal(await session.statusOf('/dashboard'), 302)
  })

  test('logout without a CSRF token is refused', async ({ assert }) => {
    const session = new HttpSession()
    await signInWithTwitch(session, '1001')

    await session.send('/logout', { method: 'POST' })
    assert.equal(await session.statusOf('/dashboard'), 200, 'still signed in')
  })
})
