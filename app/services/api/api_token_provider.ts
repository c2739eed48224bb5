import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'

/** `last_used_at` is rewritten at most this often per token: not one write per call. */
const LAST_USED_PRECISION_MS = 60_000

/** Row ids are PostgreSQL integers: anything else cannot be a token of ours. */
const TOKEN_ID = /^[1-9]\d{0,8}$/

/**
 * The access-tokens guard's database provider with a stricter check of the
 * token a request presents (docs/api.md):
 *
 * - a token whose id part is not a plausible row id is refused before any
 *   query (the stock provider would hand PostgreSQL e.g. "abc" for an
 *   integer column: a 500 instead of a 401);
 * - `last_used_at` is written only after the secret matched (constant-time
 *   hash compare) and the token has not expired, and at most once a minute.
 */
export class ApiTokensProvider<
  TokenableModel extends LucidModel,
> extends DbAccessTokensProvider<TokenableModel> {
  async verify(tokenValue: Secret<string>): Promise<AccessToken | null> {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded || !TOKEN_ID.test(decoded.identifier)) return null

    const db = await this.getDb()
    const row = await db
      .query()
      .from(this.table)
      .where({ id: Number(decoded.identifier), type: this.type })
      .first()
    if (!row) return null

    const token = this.dbRowToAccessToken(row)
    if (!token.verify(decoded.secret) || token.isExpired()) return null

    const now = new Date()
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
      await db.from(this.table).where({ id: row.id }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    return token
  }
}
