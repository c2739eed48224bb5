import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { mapWithConcurrency } from '#services/concurrency'

test.group('mapWithConcurrency', () => {
  test('never runs more than the limit at once, and keeps the input order', async ({ assert }) => {
    let inFlight = 0
    let peak = 0
    const items = Array.from({ length: 25 }, (_, index) => index)

    const results = await mapWithConcurrency(items, 4, async (item) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await sleep(((item * 7) % 5) + 1)
      inFlight--
      return item * 2
    })

    assert.equal(peak, 4)
    assert.deepEqual(
      results,
      items.map((item) => item * 2)
    )
  })

  test('runs everything in parallel when the limit exceeds the items', async ({ assert }) => {
    const started: number[] = []
    const finished = mapWithConcurrency([1, 2, 3], 10, async (item) => {
      started.push(item)
      await sleep(5)
      return item
    })
    await sleep(1)
    assert.deepEqual(started, [1, 2, 3])
    assert.deepEqual(await finished, [1, 2, 3])
  })

  test('a failing task rejects the call and starts nothing new', async ({ assert }) => {
    const started: number[] = []
    await assert.rejects(
      () =>
        mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async (item) => {
          started.push(item)
          await sleep(2)
          if (item === 2) throw new Error('boom')
          return item
        }),
      'boom'
    )
    assert.isBelow(started.length, 6)
  })

  test('refuses a limit below 1', async ({ assert }) => {
    await assert.rejects(() => mapWithConcurrency([1], 0, async (item) => item), /positive integer/)
  })
})
