import { inject } from '@adonisjs/core'
import redis from '@adonisjs/redis/services/main'
import lock from '@adonisjs/lock/services/main'
import encryption from '@adonisjs/core/services/encryption'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { TwitchTransientError, TwitchUnauthorizedError } from '#services/twitch/twitch_errors'

/** Where the one app access token of every instance lives (encrypted). */
const APP_TOKEN_KEY = 'twitch:app-token'
const RENEW_LOCK_KEY = 'twitch:app-token:renew'

/** Renewed this long before Twitch says it expires (it lives about two months). */
const RENEW_BEFORE_SECONDS = 24 * 3600
/** Kept at least this long when Twitch hands out a short-lived one. */
const MIN_KEEP_SECONDS = 60

/**
 * The app access token (client-credentials grant) that EventSub calls need:
 * one token for every instance, cached in Redis until shortly before it
 * expires, renewed by one caller at a time (a Redis lock; the others wait
 * and take the new one) and renewed at once when Twitch refuses it (401).
 * Stored encrypted, never logged.
 */
@inject()
export class TwitchAppToken {
  constructor(private oauth: TwitchOAuthClient) {}

  /** The current token, asking Twitch for one when there is none. */
  async get(): Promise<string> {
    return (await this.#cached()) ?? this.#renew(null)
  }

  /**
   * Runs a call with the token; a 401 means the token died early (revoked,
   * secret rotated): renewed once and the call tried again.
   */
  async run<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.get()
    try {
      return await call(token)
    } catch (error) {
      if (!(error instanceof TwitchUnauthorizedError)) throw error
      return call(await this.#renew(token))
    }
  }

  /** Forgets the cached token (tests, and a client secret change). */
  async forget() {
    await redis.del(APP_TOKEN_KEY)
  }

  async #cached(): Promise<string | null> {
    const stored = await redis.get(APP_TOKEN_KEY)
    return stored ? encryption.decrypt<string>(stored) : null
  }

  /**
   * Single flight: whoever holds the lock asks Twitch; a caller that waited
   * finds the new token and does not ask again. `refused` is the token a
   * call just saw refused: a cached copy of it does not count.
   */
  async #renew(refused: string | null): Promise<string> {
    const renewLock = lock.createLock(RENEW_LOCK_KEY, 20_000)
    const acquired = await renewLock.acquire({ retry: { timeout: 15_000, delay: 50 } })
    if (!acquired) {
      throw new TwitchTransientError('another instance is still renewing the app access token')
    }
    try {
      const current = await this.#cached()
      if (current && current !== refused) return current
      const tokens = await this.oauth.appToken()
      const lifetime = tokens.expiresIn ?? 3600
      const keep = Math.max(
        MIN_KEEP_SECONDS,
        lifetime - Math.min(RENEW_BEFORE_SECONDS, lifetime / 2)
      )
      await redis.set(APP_TOKEN_KEY, encryption.encrypt(tokens.accessToken), 'EX', Math.floor(keep))
      return tokens.accessToken
    } finally {
      await renewLock.release().catch(() => {})
    }
  }
}
