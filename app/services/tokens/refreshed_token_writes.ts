import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'
import type Streamer from '#models/streamer'

/** Rows per UPDATE: 7 bindings each, far below PostgreSQL's 65,535. */
const MAX_ROWS = 200

interface PendingWrite {
  streamer: Streamer
  resolve: () => void
  reject: (error: unknown) => void
}

/**
 * Stores the result of successful refreshes, several streamers per UPDATE
 * (group commit): a write asked for while another is on its way waits for
 * it and goes out with every other write asked for meanwhile, so a cycle
 * with many refreshes in flight sends far fewer statements than streamers,
 * and a lone refresh (a grant, a 401) waits for nothing.
 *
 * `save` resolves once the row is stored: the caller still holds the
 * streamer's lock until then, so nobody re-reads the old tokens. A failed
 * statement is tried once more (Twitch already rotated the refresh tokens
 * it carries); if that fails too, every write of the batch rejects.
 *
 * One per `RefreshRecorder`, so the workers of one cycle share it.
 */
export class RefreshedTokenWrites {
  #queue: PendingWrite[] = []
  #draining = false

  /**
   * Writes the token columns of `streamer` as they are on the model (see
   * RefreshRecorder.success), marking the model as saved.
   */
  save(streamer: Streamer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ streamer, resolve, reject })
      if (!this.#draining) {
        this.#draining = true
        // Writes asked for in the same turn of the event loop go out together.
        setImmediate(() => void this.#drain())
      }
    })
  }

  async #drain() {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_ROWS)
      try {
        await writeTwice(batch.map((pending) => pending.streamer))
        for (const pending of batch) {
          pending.streamer.$hydrateOriginals()
          pending.resolve()
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error)
      }
    }
    this.#draining = false
  }
}

async function writeTwice(streamers: Streamer[]) {
  try {
    await writeTokens(streamers)
  } catch (error) {
    logger.error(
      { streamerIds: streamers.map((streamer) => streamer.id), error: errorMessage(error) },
      '[TokenRefresh] saving refreshed tokens failed, trying once more'
    )
    await writeTokens(streamers)
  }
}

/**
 * One UPDATE for every streamer given, joined on a VALUES list: the new
 * token pair, expiry, refresh time, scopes and `updated_at`, and a cleared
 * failure mark.
 */
async function writeTokens(streamers: Streamer[]) {
  const bindings: unknown[] = []
  const rows = streamers.map((streamer) => {
    bindings.push(
      streamer.id,
      streamer.accessTokenEncrypted,
      streamer.refreshTokenEncrypted,
      streamer.tokenExpiresAt?.toJSDate() ?? null,
      streamer.lastTokenRefreshAt?.toJSDate() ?? null,
      JSON.stringify(streamer.scopes ?? []),
      streamer.updatedAt.toJSDate()
    )
    return '(?::integer, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::jsonb, ?::timestamptz)'
  })
  await db.rawQuery(
    `UPDATE streamers AS s SET
       access_token_encrypted = v.access_token_encrypted,
       refresh_token_encrypted = v.refresh_token_encrypted,
       token_expires_at = v.token_expires_at,
       last_token_refresh_at = v.last_token_refresh_at,
       token_refresh_failed_at = NULL,
       scopes = v.scopes,
       updated_at = v.updated_at
     FROM (VALUES ${rows.join(', ')}) AS v(id, access_token_encrypted, refresh_token_encrypted,
       token_expires_at, last_token_refresh_at, scopes, updated_at)
     WHERE s.id = v.id`,
    bindings
  )
}
