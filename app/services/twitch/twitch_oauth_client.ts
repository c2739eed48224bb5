import twitchConfig, { type TwitchConfig } from '#config/twitch'
import { TwitchTransientError, TwitchUnauthorizedError } from '#services/twitch/twitch_errors'
import { twitchRequest } from '#services/twitch/twitch_http'

/**
 * A token pair as Twitch hands it out. `expiresIn` is null when Twitch left
 * it out (it may on refresh): ask `validate()` then.
 */
export interface TwitchTokenSet {
  accessToken: string
  refreshToken: string | null
  expiresIn: number | null
  scopes: string[]
}

interface TwitchTokenValidation {
  clientId: string
  login: string
  userId: string
  scopes: string[]
  expiresIn: number
}

interface TokenBody {
  access_token?: unknown
  refresh_token?: unknown
  expires_in?: unknown
  scope?: unknown
}

interface ValidateBody {
  client_id?: unknown
  login?: unknown
  user_id?: unknown
  scopes?: unknown
  expires_in?: unknown
}

/**
 * Twitch's OAuth endpoints: `{TWITCH_OAUTH_URL}/token|validate|revoke`.
 * Failures are thrown as typed Twitch errors (permanent vs transient).
 */
export class TwitchOAuthClient {
  constructor(
    private config: Pick<
      TwitchConfig,
      'clientId' | 'clientSecret' | 'oauthUrl' | 'timeoutMs'
    > = twitchConfig
  ) {}

  /**
   * The authorization-code grant, at the end of sign-in.
   */
  async exchangeCode(code: string, redirectUri: string): Promise<TwitchTokenSet> {
    return this.token('exchange authorization code', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    })
  }

  /**
   * The refresh grant. Twitch may rotate the refresh token: always keep the
   * one returned here, the one sent may be dead from now on.
   */
  async refresh(refreshToken: string): Promise<TwitchTokenSet> {
    return this.token('refresh token', { grant_type: 'refresh_token', refresh_token: refreshToken })
  }

  /**
   * An app access token (no user), for lookups such as `/users?login=`.
   */
  async appToken(): Promise<TwitchTokenSet> {
    return this.token('get app token', { grant_type: 'client_credentials' })
  }

  /**
   * Asks Twitch whether an access token is still good. Null when Twitch says
   * it is not (401); transient failures are thrown.
   */
  async validate(accessToken: string): Promise<TwitchTokenValidation | null> {
    try {
      const { body } = await twitchRequest<ValidateBody>({
        method: 'GET',
        url: `${this.config.oauthUrl}/validate`,
        headers: { Authorization: `OAuth ${accessToken}` },
        timeoutMs: this.config.timeoutMs,
        action: 'validate token',
      })
      if (typeof body?.user_id !== 'string' || typeof body.expires_in !== 'number') {
        throw new TwitchTransientError(
          'Twitch answered validate token with an unexpected body',
          200
        )
      }
      return {
        clientId: String(body.client_id ?? ''),
        login: String(body.login ?? ''),
        userId: body.user_id,
        scopes: toScopes(body.scopes),
        expiresIn: body.expires_in,
      }
    } catch (error) {
      if (error instanceof TwitchUnauthorizedError) {
        return null
      }
      throw error
    }
  }

  /**
   * Revokes an access or refresh token (sign-out of Chorus from Twitch's side).
   */
  async revoke(token: string): Promise<void> {
    await twitchRequest({
      method: 'POST',
      url: `${this.config.oauthUrl}/revoke`,
      form: { client_id: this.config.clientId, token },
      timeoutMs: this.config.timeoutMs,
      action: 'revoke token',
    })
  }

  private async token(action: string, form: Record<string, string>): Promise<TwitchTokenSet> {
    const { body, status } = await twitchRequest<TokenBody>({
      method: 'POST',
      url: `${this.config.oauthUrl}/token`,
      form: { client_id: this.config.clientId, client_secret: this.config.clientSecret, ...form },
      timeoutMs: this.config.timeoutMs,
      action,
    })
    if (typeof body?.access_token !== 'string' || body.access_token.length === 0) {
      throw new TwitchTransientError(`Twitch answered ${action} without an access token`, status)
    }
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
      expiresIn:
        typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : null,
      scopes: toScopes(body.scope),
    }
  }
}

/**
 * Twitch sends scopes as an array, sometimes null.
 */
function toScopes(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((scope) => typeof scope === 'string') : []
}
