import { decideAuthorization, showAuthorizePage } from './oauth_authorize.js'
import { revoke, validate } from './oauth_session.js'
import { exchangeToken } from './oauth_token.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** Twitch's OAuth server, mounted under /oauth2. */
export function registerOauthRoutes(router: Router, state: EmulatorState): void {
  router
    .add('GET', '/oauth2/authorize', (ctx) => showAuthorizePage(ctx, state))
    .add('POST', '/oauth2/authorize', (ctx) => decideAuthorization(ctx, state))
    .add('POST', '/oauth2/token', (ctx) => exchangeToken(ctx, state))
    .add('GET', '/oauth2/validate', (ctx) => validate(ctx, state))
    .add('POST', '/oauth2/revoke', (ctx) => revoke(ctx, state))
}
