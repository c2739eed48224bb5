/**
 * Runs `task` over every item with at most `limit` tasks in flight, and
 * resolves with the results in the order of `items` (not of completion).
 *
 * A task that throws rejects the whole call once the tasks already started
 * have settled; no new task starts after a failure. Callers that want every
 * item processed whatever happens catch inside `task`.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}`)
  }

  const results = new Array<R>(items.length)
  let next = 0
  let failure: { error: unknown } | null = null

  async function worker() {
    while (failure === null && next < items.length) {
      const index = next++
      try {
        results[index] = await task(items[index], index)
      } catch (error) {
        failure = failure ?? { error }
      }
    }
  }

  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker())
  await Promise.all(workers)

  if (failure !== null) {
    throw (failure as { error: unknown }).error
  }
  return results
}

/**
 * Runs `task` over every item of `pages` (arrays read one after the other,
 * e.g. keyset pages from the database) with at most `limit` tasks in flight.
 * A page is pulled only when the workers have used up the previous one, so
 * memory holds a page or two whatever the total.
 *
 * As with `mapWithConcurrency`, a task that throws stops new tasks and
 * rejects the call once the running ones have settled.
 */
export async function forEachWithConcurrency<T>(
  pages: AsyncIterable<readonly T[]>,
  limit: number,
  task: (item: T) => Promise<void>
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Concurrency limit must be a positive integer, got ${limit}`)
  }

  const iterator = pages[Symbol.asyncIterator]()
  let page: readonly T[] = []
  let index = 0
  let exhausted = false
  let pulling: Promise<void> | null = null
  let failure: { error: unknown } | null = null

  // One pull at a time, shared by every worker that ran out of items.
  const pull = () => {
    pulling ??= iterator.next().then(
      (result) => {
        pulling = null
        if (result.done) {
          exhausted = true
        } else {
          page = result.value
          index = 0
        }
      },
      (error: unknown) => {
        pulling = null
        exhausted = true
        failure = failure ?? { error }
      }
    )
    return pulling
  }

  async function worker() {
    while (failure === null) {
      if (index < page.length) {
        const item = page[index++]
        try {
          await task(item)
        } catch (error) {
          failure = failure ?? { error }
        }
      } else if (exhausted) {
        return
      } else {
        await pull()
      }
    }
  }

  await Promise.all(Array.from({ length: limit }, () => worker()))

  if (failure !== null) {
    await iterator.return?.()
    throw (failure as { error: unknown }).error
  }
}
