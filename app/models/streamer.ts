import type { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import CampaignMembership, { whereAuthorizationActive } from '#models/campaign_membership'
import { StreamerSchema } from '#database/schema'
import { decryptToken, isLegacyCiphertext } from '#services/tokens/legacy_tokens'

export type BroadcasterType = '' | 'affiliate' | 'partner'

/**
 * A Twitch account connected to Chorus. The tokens are stored encrypted with
 * the app key and are never serialized: read them through `accessToken` /
 * `refreshToken`, write them through `setTokens()`.
 */
export default class Streamer extends StreamerSchema {
  @column()
  declare broadcasterType: BroadcasterType

  @column({
    prepare: (value: string[]) => JSON.stringify(value ?? []),
    consume: (value: unknown) => (Array.isArray(value) ? value : []),
  })
  declare scopes: string[]

  @column({ serializeAs: null })
  declare accessTokenEncrypted: string | null

  @column({ serializeAs: null })
  declare refreshTokenEncrypted: string | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @hasMany(() => CampaignMembership)
  declare memberships: HasMany<typeof CampaignMembership>

  /**
   * Streamers with active authorization (docs/token-policy.md): not
   * deactivated, and at least one membership whose authorization is active
   * at `now` (CampaignMembership's `authorizationActive`).
   */
  static withActiveAuthorization = scope((query, now: DateTime) => {
    query.where('is_active', true).whereExists((memberships) => {
      whereAuthorizationActive(
        memberships
          .from('campaign_memberships')
          .whereColumn('campaign_memberships.streamer_id', 'streamers.id'),
        now
      )
    })
  })

  /**
   * Decrypted tokens by ciphertext: a poll launch reads a streamer's token
   * several times (health check, create) and decrypting costs more than the
   * rest of the work per channel. A new ciphertext (refresh) is a new key,
   * so a stale token is never returned.
   */
  #plainTokens = new Map<string, string | null>()

  get accessToken(): string | null {
    return this.#decryptOnce(this.accessTokenEncrypted)
  }

  get refreshToken(): string | null {
    return this.#decryptOnce(this.refreshTokenEncrypted)
  }

  #decryptOnce(value: string | null): string | null {
    if (!value) return null
    if (!this.#plainTokens.has(value)) {
      // The current access and refresh tokens, plus the pair before a refresh.
      if (this.#plainTokens.size >= 4) this.#plainTokens.clear()
      this.#plainTokens.set(value, decryptToken(value))
    }
    return this.#plainTokens.get(value)!
  }

  /**
   * Stores a new token pair, encrypted. A null refresh token keeps the
   * current one (Twitch does not always send one back).
   */
  setTokens(tokens: { accessToken: string; refreshToken?: string | null }) {
    this.accessTokenEncrypted = encryption.encrypt(tokens.accessToken)
    if (tokens.refreshToken) {
      this.refreshTokenEncrypted = encryption.encrypt(tokens.refreshToken)
    } else if (isLegacyCiphertext(this.refreshTokenEncrypted)) {
      // The refresh token kept leaves the previous format too.
      this.refreshTokenEncrypted = encryption.encrypt(this.refreshToken!)
    }
  }

  isTokenExpired(now: DateTime) {
    return !this.tokenExpiresAt || this.tokenExpiresAt <= now
  }
}
