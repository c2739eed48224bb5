import { test } from '@japa/runner'
import { ARIA, BRAM, helixGet, manualClock, newEmulator, readJson, statusOf } from './helpers.js'
import type { HelixErrorBody } from './helpers.js'

function rateHeaders(response: Response) {
  return {
    limit: response.headers.get('ratelimit-limit'),
    remaining: response.headers.get('ratelimit-remaining'),
    reset: Number(response.headers.get('ratelimit-reset')),
  }
}

test.group('Twitch emulator | Helix rate limit', (group) => {
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

  test('every answer carries the bucket: 800 points, one spent per call', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(ARIA)
    const first = rateHeaders(await helixGet(emulator, '/users', accessToken))
    const second = rateHeaders(await helixGet(emulator, '/users', accessToken))

    assert.deepEqual([first.limit, first.remaining], ['800', '799'])
    assert.equal(second.remaining, '798')
    // Full again within a second or so: 2 points at 800 per minute.
    assert.isAtLeast(second.reset, Math.floor(start / 1000))
    assert.isAtMost(second.reset, Math.ceil(start / 1000) + 1)
  })

  test('errors carry the headers too', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens(ARIA)
    const response = await helixGet(emulator, '/polls', accessToken)
    assert.equal(response.status, 400)
    assert.equal(rateHeaders(response).limit, '800')
  })

  test('over the limit: 429 with Twitch body and an empty bucket; refills with time', async ({
    assert,
  }) => {
    emulator.state.setRateLimit(3)
    const { accessToken } = emulator.state.issueTokens(ARIA)
    for (let call = 0; call < 3; call++) {
      assert.equal(await statusOf(helixGet(emulator, '/users', accessToken)), 200)
    }

    const limited = await helixGet(emulator, '/users', accessToken)
    const headers = rateHeaders(limited)
    assert.equal(limited.status, 429)
    assert.deepInclude(await readJson<HelixErrorBody>(limited), { error: 'Too Many Requests' })
    assert.deepEqual([headers.limit, headers.remaining], ['3', '0'])
    assert.equal(headers.reset, Math.ceil(start / 1000) + 60)

    // 3 points a minute: one point back after 20 s.
    clock.advance(20_000)
    assert.equal(await statusOf(helixGet(emulator, '/users', accessToken)), 200)
    assert.equal(await statusOf(helixGet(emulator, '/users', accessToken)), 429)
  })

  test('each user of a client has its own bucket', async ({ assert }) => {
    emulator.state.setRateLimit(1)
    const aria = emulator.state.issueTokens(ARIA).accessToken
    const bram = emulator.state.issueTokens(BRAM).accessToken

    assert.equal(await statusOf(helixGet(emulator, '/users', aria)), 200)
    assert.equal(await statusOf(helixGet(emulator, '/users', aria)), 429)
    assert.equal(await statusOf(helixGet(emulator, '/users', bram)), 200)
  })

  test('the control API sets the limit', async ({ assert }) => {
    const response = await fetch(`${emulator.url}/_emulator/ratelimit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ limit: 50 }),
    })
    assert.equal(response.status, 200)

    const { accessToken } = emulator.state.issueTokens(ARIA)
    const headers = rateHeaders(await helixGet(emulator, '/users', accessToken))
    assert.deepEqual([headers.limit, headers.remaining], ['50', '49'])
  })
})
