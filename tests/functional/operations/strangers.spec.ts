import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { rateLimits } from '#config/limiter'
import { SEEDED, campaignTestSetup, connectedStreamer } from '#tests/helpers/campaigns'
import { HttpSession } from '#tests/helpers/http_session'
import { OverlayListener, clearOverlayLimits, overlayOf } from '#tests/helpers/overlays'
import { resetRateLimits } from '#tests/helpers/rate_limits'
import { bootWebInstance } from '#tests/helpers/web_instance'

/** A session id as the Redis session store names its keys. */
const SESSION_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function sessionKeys() {
  const keys = await redis.keys('*')
  return new Set(keys.filter((key) => SESSION_KEY.test(key)))
}

/**
 * What a stranger can make the server hold: nothing it did not ask for
 * (docs/operations.md, "What strangers can cost").
 */
test.group('Strangers cost nothing', (group) => {
  campaignTestSetup(group)
  group.each.setup(async () => {
    await resetRateLimits()
    await clearOverlayLimits()
  })

  test('an event stream without its id is a 400 that says why, not a 500', async ({ assert }) => {
    const session = new HttpSession()

    const response = await session.get('/__transmit/events')

    assert.equal(response.status, 400)
    const body = (await response.json()) as { errors: { message: string; field: string }[] }
    assert.deepEqual(body.errors, [{ message: 'Missing the stream id (uid).', field: 'uid' }])
  })

  test('a channel Chorus does not broadcast on is refused before Transmit keeps it', async ({
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { key } = await overlayOf(streamer)
    // A visitor whose session holds something (the page asked for before
    // signing in), so its CSRF token is good and the guard is what answers.
    const session = new HttpSession()
    await session.get('/dashboard')
    const listener = await new OverlayListener(key, session).open()
    try {
      const refused = []
      for (const channel of ['anything', 'OVERLAYS/1', `overlays/${'x'.repeat(900_000)}`, '']) {
        refused.push(await listener.subscribe({ channel }))
      }

      assert.deepEqual(refused, [400, 400, 400, 400])
      // The overlay's own channel still works for the page that holds its key.
      assert.equal(await listener.subscribe(), 204)
    } finally {
      listener.close()
    }
  })

  test('a stream id that is not one (too long, odd characters) is refused', async ({ assert }) => {
    const session = new HttpSession()
    await session.get('/')

    const long = await session.get(`/__transmit/events?uid=${'a'.repeat(65)}`)
    const odd = await session.get(`/__transmit/events?uid=${encodeURIComponent('a b<')}`)

    assert.equal(long.status, 400)
    assert.equal(odd.status, 400)
  })

  test('a forged X-Forwarded-For from an untrusted peer does not dodge a per-address limit', async ({
    assert,
  }) => {
    const statuses: number[] = []
    for (let index = 0; index <= rateLimits.signIn.requests; index++) {
      const response = await new HttpSession().send('/auth/twitch/redirect', {
        method: 'GET',
        headers: { 'X-Forwarded-For': `10.1.2.${index}` },
      })
      statuses.push(response.status)
    }

    assert.equal(statuses.at(-1), 429)
    assert.lengthOf(
      statuses.filter((status) => status === 302),
      rateLimits.signIn.requests
    )
  })

  test('cookieless visits store no session; a trusted proxy’s forwarded address counts', async ({
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { path } = await overlayOf(streamer)
    // Sessions in Redis, as in production; this machine is the trusted proxy.
    const instance = await bootWebInstance({
      SESSION_DRIVER: 'redis',
      TRUSTED_PROXIES: '127.0.0.1/32, ::1',
    })
    try {
      const before = await sessionKeys()
      for (let index = 0; index < 20; index++) {
        const landing = await fetch(`${instance.url}/`)
        const overlay = await fetch(`${instance.url}${path}`, {
          headers: { 'X-Forwarded-For': `203.0.113.${index}` },
        })
        assert.equal(landing.status, 200)
        assert.equal(overlay.status, 200)
        // Every page still hands out its XSRF cookie.
        assert.include(landing.headers.get('set-cookie') ?? '', 'XSRF-TOKEN=')
      }
      const created = [...(await sessionKeys())].filter((key) => !before.has(key))
      assert.deepEqual(created, [])

      // A visit that has something to keep (the page asked for before
      // signing in) is stored as before.
      const asked = await fetch(`${instance.url}/dashboard`, { redirect: 'manual' })
      assert.equal(asked.status, 302)
      const afterSignIn = [...(await sessionKeys())].filter((key) => !before.has(key))
      assert.lengthOf(afterSignIn, 1)

      // Behind the trusted proxy each forwarded address has its own count.
      const statuses: number[] = []
      for (let index = 0; index <= rateLimits.signIn.requests; index++) {
        const response = await fetch(`${instance.url}/auth/twitch/redirect`, {
          redirect: 'manual',
          headers: { 'X-Forwarded-For': `198.51.100.${index}` },
        })
        statuses.push(response.status)
      }
      assert.notInclude(statuses, 429)
      for (const key of afterSignIn) await redis.del(key)
    } finally {
      await instance.stop()
    }
  }).timeout(60_000)
})
