import type { HttpContext } from '@adonisjs/core/http'
import { Oauth2Driver, errors as allyErrors } from '@adonisjs/ally'
import type {
  AllyUserContract,
  ApiRequestContract,
  Oauth2AccessToken,
  Oauth2DriverConfig,
  RedirectRequestContract,
} from '@adonisjs/ally/types'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { TwitchHelixClient, type TwitchUser } from '#services/twitch/twitch_helix_client'

export type TwitchScope =
  | 'channel:manage:polls'
  | 'channel:read:polls'
  | 'user:read:email'
  | 'user:read:chat'
  | 'user:write:chat'
  | 'user:bot'
  | 'channel:bot'

interface TwitchDriverConfig extends Oauth2DriverConfig {
  oauthUrl: string
  helixUrl: string
  scopes: string[]
  timeoutMs: number
}

/**
 * The token at the end of sign-in: both tokens, the granted scopes and the
 * lifetime, everything the streamers row stores.
 */
export interface TwitchAllyToken extends Oauth2AccessToken {
  token: string
  type: 'bearer'
  refreshToken: string
  expiresIn?: number
  scopes: string[]
}

/**
 * Sign in with Twitch through Ally. Ally handles the redirect and the `state`
 * cookie; the code exchange and the user lookup go through our own Twitch
 * clients so they share their timeouts and typed errors.
 */
export class TwitchDriver extends Oauth2Driver<TwitchAllyToken, TwitchScope> {
  protected authorizeUrl: string
  protected accessTokenUrl: string
  protected userInfoUrl: string

  protected codeParamName = 'code'
  protected errorParamName = 'error'
  protected stateCookieName = 'twitch_oauth_state'
  protected stateParamName = 'state'
  protected scopeParamName = 'scope'
  protected scopesSeparator = ' '

  private oauthClient: TwitchOAuthClient
  private helixClient: TwitchHelixClient

  constructor(
    ctx: HttpContext,
    public config: TwitchDriverConfig
  ) {
    super(ctx, config)
    this.authorizeUrl = `${config.oauthUrl}/authorize`
    this.accessTokenUrl = `${config.oauthUrl}/token`
    this.userInfoUrl = `${config.helixUrl}/users`
    this.oauthClient = new TwitchOAuthClient({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      oauthUrl: config.oauthUrl,
      timeoutMs: config.timeoutMs,
    })
    this.helixClient = new TwitchHelixClient({
      clientId: config.clientId,
      helixUrl: config.helixUrl,
      timeoutMs: config.timeoutMs,
    })
    this.loadState()
  }

  protected configureRedirectRequest(request: RedirectRequestContract<TwitchScope>) {
    request.scopes(this.config.scopes as TwitchScope[])
    request.param('response_type', 'code')
  }

  /**
   * Twitch reports a refusal as `error=access_denied`.
   */
  accessDenied() {
    return this.ctx.request.input(this.errorParamName) === 'access_denied'
  }

  async accessToken(): Promise<TwitchAllyToken> {
    if (this.hasError()) {
      throw new allyErrors.E_OAUTH_MISSING_CODE([this.codeParamName])
    }
    if (this.stateMisMatch()) {
      throw new allyErrors.E_OAUTH_STATE_MISMATCH()
    }
    const tokens = await this.oauthClient.exchangeCode(this.getCode()!, this.config.callbackUrl)
    return {
      token: tokens.accessToken,
      type: 'bearer',
      refreshToken: tokens.refreshToken ?? '',
      expiresIn: tokens.expiresIn ?? undefined,
      scopes: tokens.scopes,
    }
  }

  async user(_callback?: (request: ApiRequestContract) => void) {
    const token = await this.accessToken()
    const twitchUser = await this.helixClient.getCurrentUser(token.token)
    return toAllyUser(twitchUser, token)
  }

  async userFromToken(accessToken: string, _callback?: (request: ApiRequestContract) => void) {
    const twitchUser = await this.helixClient.getCurrentUser(accessToken)
    return toAllyUser(twitchUser, { token: accessToken, type: 'bearer' as const })
  }
}

function toAllyUser<Token extends Oauth2AccessToken>(
  twitchUser: TwitchUser,
  token: Token
): AllyUserContract<Token> & { original: TwitchUser } {
  return {
    id: twitchUser.id,
    nickName: twitchUser.login,
    name: twitchUser.displayName,
    email: twitchUser.email,
    emailVerificationState: 'unsupported',
    avatarUrl: twitchUser.profileImageUrl || null,
    token,
    original: twitchUser,
  }
}
