import { DateTime } from 'luxon'
import type { AccessToken } from '@adonisjs/auth/access_tokens'
import User from '#models/user'

interface ApiTokenInput {
  name: string
  /** Days until the token stops working; absent: it works until revoked. */
  expires_in_days?: number
}

/**
 * A user's personal access tokens for the JSON API (docs/api.md), for the
 * settings page and `node ace api:token`. Only a hash of each token is
 * stored: its value exists once, in what `create` returns.
 */
export class ApiTokenService {
  /**
   * A new token. `value` is the only copy of the secret: show it once, never
   * log or store it.
   */
  async create(user: User, input: ApiTokenInput) {
    const token = await User.accessTokens.create(user, ['*'], {
      name: input.name,
      expiresIn: input.expires_in_days ? `${input.expires_in_days} days` : undefined,
    })
    return { token, value: token.value!.release() }
  }

  /** What the settings page lists: most recently used first, never used last. */
  async list(user: User): Promise<ApiTokenRow[]> {
    const tokens = await User.accessTokens.all(user)
    return tokens.map(tokenRow)
  }

  /**
   * Deletes one of the user's tokens: it stops working at once. Someone
   * else's token is left alone (null, as for a token that does not exist).
   */
  async revoke(user: User, tokenId: number): Promise<ApiTokenRow | null> {
    const token = await User.accessTokens.find(user, tokenId)
    if (!token) return null
    await User.accessTokens.delete(user, tokenId)
    return tokenRow(token)
  }
}

/** A token as its owner sees it: never its secret, nor its hash. */
interface ApiTokenRow {
  id: number
  name: string
  createdAt: DateTime
  lastUsedAt: DateTime | null
  expiresAt: DateTime | null
  expired: boolean
}

function tokenRow(token: AccessToken): ApiTokenRow {
  return {
    id: Number(token.identifier),
    name: token.name ?? 'Unnamed token',
    createdAt: DateTime.fromJSDate(token.createdAt),
    lastUsedAt: token.lastUsedAt ? DateTime.fromJSDate(token.lastUsedAt) : null,
    expiresAt: token.expiresAt ? DateTime.fromJSDate(token.expiresAt) : null,
    expired: token.isExpired(),
  }
}
