import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { forEachWithConcurrency, mapWithConcurrency } from '#services/concurrency'

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

async function* pagesOf<T>(pages: T[][], pulled: number[] = []) {
  for (const [index, page] of pages.entries()) {
    pulled.push(index)
    yield page
  }
}

test.group('forEachWithConcurrency', () => {
  test('visits every item of every page once, never more than the limit at once', async ({
    assert,
  }) => {
    const pages = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9]]
    const seen: number[] = []
    let inFlight = 0
    let peak = 0

    await forEachWithConcurrency(pagesOf(pages), 3, async (item) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await sleep((item % 3) + 1)
      seen.push(item)
      inFlight--
    })

    assert.equal(peak, 3)
    assert.sameMembers(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  test('pulls a page only once the previous one is handed out', async ({ assert }) => {
    const pulled: number[] = []
    const pagesWhenStarted: number[] = []

    await forEachWithConcurrency(
      pagesOf(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        pulled
      ),
      2,
      async () => {
        pagesWhenStarted.push(pulled.length)
        await sleep(1)
      }
    )

    // Two workers on two-item pages: at most one page ahead of the work.
    assert.deepEqual(pagesWhenStarted, [1, 1, 2, 2, 3, 3])
  })

  test('a failing task rejects the call and closes the pages', async ({ assert }) => {
    const pulled: number[] = []
    let closed = false
    async function* endless() {
      try {
        for (let page = 0; ; page++) {
          pulled.push(page)
          yield [page * 2, page * 2 + 1]
        }
      } finally {
        closed = true
      }
    }

    await assert.rejects(
      () =>
        forEachWithConcurrency(endless(), 2, async (item) => {
          if (item === 5) throw new Error('boom')
        }),
      'boom'
    )
    assert.isTrue(closed)
    assert.isBelow(pulled.length, 5)
  })
})
