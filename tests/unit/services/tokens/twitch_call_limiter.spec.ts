import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { DateTime } from 'luxon'
import { FixedClock } from '#tests/helpers/fixed_clock'
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

  test('pauseFor holds every later call until the pause ends, on the clock', async ({ assert }) => {
    const start = DateTime.fromISO('2031-05-06T00:00:00Z')
    const clock = new FixedClock(start)
    const limiter = new TwitchCallLimiter(4, clock)
    limiter.pauseFor(120_000)
    limiter.pauseFor(10) // a shorter pause never shortens the longer one

    const startedAt = await Promise.all(
      [1, 2].map(() => limiter.run(async () => clock.now().toMillis()))
    )

    for (const at of startedAt) {
      assert.isAtLeast(at - start.toMillis(), 120_000)
    }
    // Once the pause is over, a call goes straight through.
    const before = clock.now().toMillis()
    await limiter.run(async () => null)
    assert.equal(clock.now().toMillis(), before)
  })
})
