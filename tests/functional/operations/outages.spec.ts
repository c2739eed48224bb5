import { test } from '@japa/runner'
import env from '#start/env'
import { DisposableRedis } from '#tests/helpers/redis_server'
import { TcpGate } from '#tests/helpers/tcp_gate'
import { bootWebInstance, type WebInstance } from '#tests/helpers/web_instance'
import { unusedPort } from '#tests/helpers/ports'
import { waitUntil } from '#tests/helpers/wait_until'

const REDIS_DOWN = '[Availability] Redis is unreachable'
const REDIS_BACK = '[Availability] Redis is reachable again'
const DATABASE_DOWN = '[Availability] PostgreSQL is unreachable'
const DATABASE_BACK = '[Availability] PostgreSQL is reachable again'

function count(text: string, needle: string) {
  return text.split(needle).length - 1
}

/**
 * Asks `path` until it answers `status` (the instance notices Redis is back
 * on its own, within its reconnection delay); gives up after ~10 s.
 */
async function waitForStatus(instance: WebInstance, path: string, status: number) {
  let last = 0
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${instance.url}${path}`, { redirect: 'manual' })
    last = response.status
    if (last === status) return last
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return last
}

/**
 * A web instance of its own, whose Redis (a server this test starts and
 * stops) or PostgreSQL (a closed port) is missing: pages answer a friendly
 * 503 at once, the log says so once, and Redis coming back is noticed
 * without a restart. Sessions live in Redis here, as in production.
 */
test.group('Outages: Redis or PostgreSQL down', (group) => {
  group.each.timeout(90_000)

  test('Redis stops: 503 at once, one log line; Redis returns: pages work again', async ({
    assert,
  }) => {
    const redis = await DisposableRedis.start()
    const web = await bootWebInstance({ REDIS_PORT: String(redis.port), SESSION_DRIVER: 'redis' })
    try {
      const before = await fetch(`${web.url}/`)
      assert.equal(before.status, 200)

      await redis.stop()
      const statuses: number[] = []
      let slowest = 0
      for (let attempt = 0; attempt < 20; attempt++) {
        const started = performance.now()
        const response = await fetch(`${web.url}/`)
        slowest = Math.max(slowest, performance.now() - started)
        statuses.push(response.status)
        if (attempt === 19) {
          assert.equal(response.headers.get('retry-after'), '30')
          const page = await response.text()
          assert.include(page, 'Back in a moment')
          // No stack frame ("at handle (/app/…:12:5)") on the page.
          assert.notMatch(page, /^\s*at \S.*:\d+:\d+\)?$/m)
        }
      }
      const health = await fetch(`${web.url}/health`)
      const healthBody = await health.json()

      assert.deepEqual(new Set(statuses), new Set([503]))
      // "At once": no request waits on Redis's reconnection attempts (seconds before).
      assert.isBelow(slowest, 1_500)
      assert.equal(health.status, 503)
      assert.deepEqual(healthBody, { status: 'error', checks: { database: 'ok', redis: 'error' } })
      assert.equal(count(web.output(), REDIS_DOWN), 1)
      assert.notInclude(web.output(), 'Unhandled error event')
      assert.notInclude(web.output(), 'Redis connection failure')

      await redis.start()
      assert.equal(await waitForStatus(web, '/', 200), 200)
      const healthAfter = await fetch(`${web.url}/health`)

      assert.equal(healthAfter.status, 200)
      assert.equal(count(web.output(), REDIS_BACK), 1)
      assert.equal(count(web.output(), REDIS_DOWN), 1)
    } finally {
      await web.stop()
      await redis.stop()
    }
  })

  test('a second outage is logged once more', async ({ assert }) => {
    const redis = await DisposableRedis.start()
    const web = await bootWebInstance({ REDIS_PORT: String(redis.port), SESSION_DRIVER: 'redis' })
    try {
      for (let round = 1; round <= 2; round++) {
        await redis.stop()
        assert.equal(await waitForStatus(web, '/', 503), 503)
        await redis.start()
        assert.equal(await waitForStatus(web, '/', 200), 200)
        assert.equal(count(web.output(), REDIS_DOWN), round)
        assert.equal(count(web.output(), REDIS_BACK), round)
      }
    } finally {
      await web.stop()
      await redis.stop()
    }
  })

  test("PostgreSQL unreachable: friendly 503 in the browser's language and one log line, not a 500", async ({
    assert,
  }) => {
    const web = await bootWebInstance({ DB_PORT: String(await unusedPort()) })
    try {
      // The instance finds out by itself: its first background pass at boot
      // (the running-polls watcher) needs the database.
      await waitUntil(() => web.output().includes(DATABASE_DOWN), 10_000)
      const statuses: number[] = []
      for (const path of ['/', '/dashboard', '/campaigns/1', '/', '/']) {
        const response = await fetch(`${web.url}${path}`, { redirect: 'manual' })
        statuses.push(response.status)
        assert.include(await response.text(), 'Back in a moment')
      }
      // A French browser reads the page in French, chosen without the database.
      const french = await fetch(`${web.url}/`, {
        headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
      })
      const frenchPage = await french.text()
      assert.equal(french.status, 503)
      assert.include(frenchPage, '<html lang="fr"')
      assert.include(frenchPage, 'De retour dans un instant')
      assert.include(frenchPage, 'Chorus est brièvement indisponible')
      assert.notInclude(frenchPage, 'Back in a moment')
      // A script asking in French still reads English.
      const script = await fetch(`${web.url}/`, {
        headers: { 'accept-language': 'fr', 'accept': 'application/json' },
      })
      assert.equal(script.status, 503)
      const body = (await script.json()) as { errors: { message: string }[] }
      assert.match(body.errors[0].message, /^Chorus is briefly unavailable: /)
      const health = await fetch(`${web.url}/health`)

      assert.deepEqual(new Set(statuses), new Set([503]))
      assert.equal(health.status, 503)
      assert.deepEqual(await health.json(), {
        status: 'error',
        checks: { database: 'error', redis: 'ok' },
      })
      assert.equal(count(web.output(), DATABASE_DOWN), 1)
      assert.notInclude(web.output(), 'Acquire connection error')
      assert.notMatch(web.output(), /ERROR.*(Internal|E_)/)
    } finally {
      await web.stop()
    }
  })

  test('PostgreSQL returns: the instance notices by itself and pages work again', async ({
    assert,
  }) => {
    const gate = new TcpGate(await unusedPort(), {
      host: env.get('DB_HOST', '127.0.0.1'),
      port: env.get('DB_PORT', 5432),
    })
    const web = await bootWebInstance({ DB_PORT: String(gate.port) })
    try {
      assert.equal(await waitForStatus(web, '/', 503), 503)

      await gate.open()

      assert.equal(await waitForStatus(web, '/', 200), 200)
      const health = await fetch(`${web.url}/health`)
      assert.equal(health.status, 200)
      assert.equal(count(web.output(), DATABASE_DOWN), 1)
      assert.equal(count(web.output(), DATABASE_BACK), 1)
    } finally {
      await web.stop()
      await gate.close()
    }
  })
})

/**
 * Redis closing the connection at the very moment the instance shuts down
 * (the framework's QUIT and the commands still in flight lose their
 * connection): the process still exits cleanly, with no unhandled
 * "Connection is closed". Redis is reached through a gate the test closes
 * right after SIGTERM.
 */
test.group('Shutdown while Redis closes', () => {
  for (const delayMs of [0, 5]) {
    test(`Redis gone ${delayMs} ms after SIGTERM: exit code 0, nothing unhandled`, async ({
      assert,
    }) => {
      const gate = new TcpGate(await unusedPort(), {
        host: env.get('REDIS_HOST', '127.0.0.1'),
        port: env.get('REDIS_PORT', 6379),
      })
      await gate.open()
      const web = await bootWebInstance({
        REDIS_PORT: String(gate.port),
        SESSION_DRIVER: 'redis',
        SCHEDULER_ENABLED: 'true',
      })
      try {
        // Sessions, CSRF and the rate limits have all used Redis.
        const signIn = await fetch(`${web.url}/auth/twitch/redirect`, { redirect: 'manual' })
        assert.equal(signIn.status, 302)

        const stopping = web.stop()
        await new Promise((resolve) => setTimeout(resolve, delayMs))
        await gate.close()
        const code = await stopping

        assert.equal(code, 0)
        assert.notInclude(web.output(), 'Connection is closed')
      } finally {
        await gate.close()
      }
    }).timeout(60_000)
  }
})
