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
