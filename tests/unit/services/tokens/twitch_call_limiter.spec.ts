import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { TwitchCallLimiter } from '#services/tokens/twitch_call_limiter'

test.group('TwitchCallLimiter', () => {
  test('never lets more than maxInFlight calls run at once', async ({ assert }) => {
    const limiter = new TwitchCallLimiter(3)
    let inFlight = 0
    let peak = 0

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        limiter.run(async () => {
          inFlight++
          peak = Math.max(peak, inFlight)
          await sleep(2)
          inFlight--
          return index
        })
      )
    )

    assert.equal(peak, 3)
    assert.deepEqual(
      results,
      Array.from({ length: 12 }, (_, index) => index)
    )
  })

  test('a slot is freed when a call throws', async ({ assert }) => {
    const limiter = new TwitchCallLimiter(1)
    await assert.rejects(() => limiter.run(async () => Promise.reject(new Error('429'))), '429')
    assert.equal(await limiter.run(async () => 'next'), 'next')
  })

  test('pauseFor holds every later call until the pause ends', async ({ assert }) => {
    const limiter = new TwitchCallLimiter(4)
    limiter.pauseFor(120)
    limiter.pauseFor(10) // a shorter pause never shortens the longer one

    const started = Date.now()
    const startedAt = await Promise.all([1, 2].map(() => limiter.run(async () => Date.now())))

    for (const at of startedAt) {
      assert.isAtLeast(at - started, 110)
    }
  })
})
