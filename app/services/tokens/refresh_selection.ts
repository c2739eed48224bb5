import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import { retryWindow } from '#services/tokens/token_refresh_policy'

type StreamerQuery = ModelQueryBuilderContract<typeof Streamer>

/** Pages of streamers in id order, read one keyset page at a time. */
export type StreamerPages = AsyncIterable<Streamer[]>

/**
 * Which streamers a refresh job looks at. Every selection is walked in
 * keyset pages by id (`id > last id of the previous page`), so a cycle over
 * 20,000 streamers holds one or two pages in memory, never all of them.
 */
@inject()
export class RefreshSelection {
  constructor(
    private clock: Clock,
    private settings: TokenRefreshSettings,
    private retryQueue: TransientRetryQueue
  ) {}

  /**
   * Streamers with active authorization: active, and an active member of a
   * campaign whose poll authorization has not expired.
   */
  withActiveAuthorization(pageSize = this.settings.pageSize): StreamerPages {
    const now = this.clock.now()
    return keysetPages(
      (query) => query.withScopes((scopes) => scopes.withActiveAuthorization(now)),
      pageSize
    )
  }

  async countWithActiveAuthorization(): Promise<number> {
    const now = this.clock.now()
    const [row] = await Streamer.query()
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .count('* as total')
      .pojo<{ total: string | number }>()
    return Number(row.total)
  }

  /**
   * What the retry sweep retries now: active streamers whose first permanent
   * failure is 15 to 30 minutes old, and those whose transient failure is
   * due for another try — unless they also carry a permanent failure younger
   * than 15 minutes, which waits for its own turn.
   *
   * Queued ids that are gone, inactive or waiting for their 15 minutes leave
   * the queue here; the permanent-failure window covers the last ones.
   */
  async needingRetry(pageSize = this.settings.pageSize): Promise<StreamerPages> {
    const now = this.clock.now()
    const { failedAfter, failedAtOrBefore } = retryWindow(now)
    const queued = await this.retryQueue.dueIds(now)
    const transientIds = await this.#retryableTransientIds(queued, failedAtOrBefore)
    await this.retryQueue.remove(...queued.filter((queuedId) => !transientIds.has(queuedId)))

    return keysetPages(
      (query) =>
        query.where('is_active', true).where((retry) => {
          retry.where((permanent) => {
            permanent
              .where('token_refresh_failed_at', '>', failedAfter.toSQL()!)
              .where('token_refresh_failed_at', '<=', failedAtOrBefore.toSQL()!)
          })
          if (transientIds.size > 0) {
            retry.orWhereIn('id', [...transientIds])
          }
        }),
      pageSize
    )
  }

  async #retryableTransientIds(queued: number[], failedAtOrBefore: DateTime) {
    if (queued.length === 0) return new Set<number>()
    const rows: { id: number }[] = await Streamer.query()
      .whereIn('id', queued)
      .where('is_active', true)
      .where((noRecentMark) => {
        noRecentMark
          .whereNull('token_refresh_failed_at')
          .orWhere('token_refresh_failed_at', '<=', failedAtOrBefore.toSQL()!)
      })
      .select('id')
      .pojo()
    return new Set(rows.map((row) => row.id))
  }
}

/**
 * Walks `filter`'s streamers in id order, `pageSize` at a time. The next
 * page is read while the current one is worked on, so workers rarely wait
 * for the database.
 */
export async function* keysetPages(
  filter: (query: StreamerQuery) => StreamerQuery | void,
  pageSize: number
): AsyncGenerator<Streamer[]> {
  const readAfter = (lastId: number) => {
    const query = Streamer.query().where('id', '>', lastId).orderBy('id').limit(pageSize)
    filter(query)
    const page = query.exec()
    // Awaited below; this only keeps an early stop from leaving a rejection unhandled.
    page.catch(() => {})
    return page
  }

  let next = readAfter(0)
  for (;;) {
    const page = await next
    if (page.length === 0) return
    const full = page.length === pageSize
    next = full ? readAfter(page[page.length - 1].id) : Promise.resolve([])
    yield page
    if (!full) return
  }
}
