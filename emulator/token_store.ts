import { randomToken } from './random_tokens.js'
import type {
  AccessTokenRecord,
  AuthorizationCodeRecord,
  IssuedTokens,
  RefreshTokenRecord,
} from './types.js'

/** Authorization codes are single use and live 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60 * 1000

/** App access tokens (client_credentials) live about two months on Twitch. */
export const APP_TOKEN_LIFETIME_SECONDS = 60 * 24 * 60 * 60

export type RefreshOutcome =
  { ok: true; tokens: IssuedTokens } | { ok: false; reason: 'unknown' | 'dead' | 'wrong_client' }

function grantKey(clientId: string, userId: string): string {
  return `${clientId}:${userId}`
}

/**
 * Every code and token the emulator handed out. Refresh tokens rotate: a
 * refresh kills the refresh token it used and issues a new pair, while the
 * previous access token stays valid until it expires, as on Twitch.
 *
 * It also remembers what each user authorized each client to do (the union of
 * the scopes of every token issued to them): EventSub and app-token chat check
 * that authorization, not a token. Only a disconnect takes it away.
 */
export class TokenStore {
  #access = new Map<string, AccessTokenRecord>()
  #refresh = new Map<string, RefreshTokenRecord>()
  #codes = new Map<string, AuthorizationCodeRecord>()
  #grants = new Map<string, Set<string>>()

  reset(): void {
    this.#access.clear()
    this.#refresh.clear()
    this.#codes.clear()
    this.#grants.clear()
  }

  /** True when the user authorized the client with every one of `scopes`. */
  hasGranted(clientId: string, userId: string, scopes: readonly string[]): boolean {
    const granted = this.#grants.get(grantKey(clientId, userId))
    return granted !== undefined && scopes.every((scope) => granted.has(scope))
  }

  grantedScopes(clientId: string, userId: string): string[] {
    return [...(this.#grants.get(grantKey(clientId, userId)) ?? [])]
  }

  /**
   * The user removes the client from their connections: the authorization is
   * gone and every access and refresh token of that pair dies. Answers how
   * many live tokens were killed.
   */
  disconnect(clientId: string, userId: string): number {
    this.#grants.delete(grantKey(clientId, userId))
    let killed = 0
    for (const record of this.#access.values()) {
      if (record.userId === userId && record.clientId === clientId && !record.revoked) {
        record.revoked = true
        killed++
      }
    }
    for (const record of this.#refresh.values()) {
      if (record.userId === userId && record.clientId === clientId && !record.dead) {
        record.dead = true
        killed++
      }
    }
    return killed
  }

  createCode(
    input: Omit<AuthorizationCodeRecord, 'code' | 'expiresAt' | 'used'>,
    now: number
  ): AuthorizationCodeRecord {
    const record: AuthorizationCodeRecord = {
      ...input,
      code: randomToken(30),
      expiresAt: now + CODE_LIFETIME_MS,
      used: false,
    }
    this.#codes.set(record.code, record)
    return record
  }

  /** A code that exists, was not used and has not expired; marks it used. */
  consumeCode(code: string, now: number): AuthorizationCodeRecord | undefined {
    const record = this.#codes.get(code)
    if (!record || record.used || record.expiresAt <= now) {
      return undefined
    }
    record.used = true
    return record
  }

  peekCode(code: string): AuthorizationCodeRecord | undefined {
    return this.#codes.get(code)
  }

  issueUserTokens(
    userId: string,
    clientId: string,
    scopes: string[],
    lifetimeSeconds: number,
    now: number
  ): IssuedTokens {
    const access = this.#addAccess(userId, clientId, scopes, lifetimeSeconds, now)
    const key = grantKey(clientId, userId)
    const granted = this.#grants.get(key) ?? new Set<string>()
    scopes.forEach((scope) => granted.add(scope))
    this.#grants.set(key, granted)
    const refresh: RefreshTokenRecord = {
      token: randomToken(50),
      clientId,
      userId,
      scopes: [...scopes],
      dead: false,
    }
    this.#refresh.set(refresh.token, refresh)
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: lifetimeSeconds,
      scopes: [...scopes],
    }
  }

  issueAppToken(clientId: string, now: number): AccessTokenRecord {
    return this.#addAccess(null, clientId, [], APP_TOKEN_LIFETIME_SECONDS, now)
  }

  /** Rotates: the used refresh token is dead from now on, whatever happens next. */
  refresh(token: string, clientId: string, lifetimeSeconds: number, now: number): RefreshOutcome {
    const record = this.#refresh.get(token)
    if (!record) {
      return { ok: false, reason: 'unknown' }
    }
    if (record.clientId !== clientId) {
      return { ok: false, reason: 'wrong_client' }
    }
    if (record.dead) {
      return { ok: false, reason: 'dead' }
    }
    record.dead = true
    return {
      ok: true,
      tokens: this.issueUserTokens(record.userId, clientId, record.scopes, lifetimeSeconds, now),
    }
  }

  findRefresh(token: string): RefreshTokenRecord | undefined {
    return this.#refresh.get(token)
  }

  findAccess(token: string): AccessTokenRecord | undefined {
    return this.#access.get(token)
  }

  /** The access token if it exists, is not revoked and has not expired. */
  findLiveAccess(token: string, now: number): AccessTokenRecord | undefined {
    const record = this.#access.get(token)
    if (!record || record.revoked || record.expiresAt <= now) {
      return undefined
    }
    return record
  }

  /** Revokes one access or refresh token; false when it is unknown. */
  revoke(token: string): boolean {
    const access = this.#access.get(token)
    if (access) {
      access.revoked = true
      return true
    }
    const refresh = this.#refresh.get(token)
    if (refresh) {
      refresh.dead = true
      return true
    }
    return false
  }

  killRefreshTokensOf(userId: string): number {
    let killed = 0
    for (const record of this.#refresh.values()) {
      if (record.userId === userId && !record.dead) {
        record.dead = true
        killed++
      }
    }
    return killed
  }

  /** Every live app access token of the client answers 401 from now on. */
  revokeAppTokensOf(clientId: string): number {
    let revoked = 0
    for (const record of this.#access.values()) {
      if (record.userId === null && record.clientId === clientId && !record.revoked) {
        record.revoked = true
        revoked++
      }
    }
    return revoked
  }

  revokeAccessTokensOf(userId: string): number {
    let revoked = 0
    for (const record of this.#access.values()) {
      if (record.userId === userId && !record.revoked) {
        record.revoked = true
        revoked++
      }
    }
    return revoked
  }

  #addAccess(
    userId: string | null,
    clientId: string,
    scopes: string[],
    lifetimeSeconds: number,
    now: number
  ): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: randomToken(30),
      clientId,
      userId,
      scopes: [...scopes],
      expiresAt: now + lifetimeSeconds * 1000,
      revoked: false,
    }
    this.#access.set(record.token, record)
    return record
  }
}
