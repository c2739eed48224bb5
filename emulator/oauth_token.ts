import { countCall } from './call_counter.js'
import { refreshFaultReply } from './fault_replies.js'
import { jsonReply, oauthError } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'
import { APP_TOKEN_LIFETIME_SECONDS } from './token_store.js'
import type { IssuedTokens } from './types.js'

type ClientCheck = { ok: true; clientId: string } | { ok: false; reply: Reply }

/** Twitch's answers for a missing or wrong client id / secret. */
function checkClient(fields: URLSearchParams, state: EmulatorState): ClientCheck {
  const clientId = fields.get('client_id')
  const clientSecret = fields.get('client_secret')
  if (!clientId) {
    return { ok: false, reply: oauthError(400, 'missing client id') }
  }
  const client = state.findClient(clientId)
  if (!client) {
    return { ok: false, reply: oauthError(400, 'invalid client') }
  }
  if (!clientSecret) {
    return { ok: false, reply: oauthError(400, 'missing client secret') }
  }
  if (clientSecret !== client.clientSecret) {
    return { ok: false, reply: oauthError(403, 'invalid client secret') }
  }
  return { ok: true, clientId }
}

function tokenAnswer(tokens: IssuedTokens, includeExpiresIn: boolean): Reply {
  return jsonReply(200, {
    access_token: tokens.accessToken,
    ...(includeExpiresIn ? { expires_in: tokens.expiresIn } : {}),
    refresh_token: tokens.refreshToken,
    scope: tokens.scopes,
    token_type: 'bearer',
  })
}

function authorizationCodeGrant(
  fields: URLSearchParams,
  ctx: RequestContext,
  state: EmulatorState
): Reply {
  const client = checkClient(fields, state)
  if (!client.ok) {
    return client.reply
  }
  const code = fields.get('code')
  const redirectUri = fields.get('redirect_uri')
  if (!code) {
    return oauthError(400, 'missing code')
  }
  if (!redirectUri) {
    return oauthError(400, 'missing redirect_uri')
  }
  const now = state.now()
  const record = state.tokens.peekCode(code)
  if (!record || record.used || record.expiresAt <= now || record.clientId !== client.clientId) {
    return oauthError(400, 'Invalid authorization code')
  }
  ctx.userId = record.userId
  if (record.redirectUri !== redirectUri) {
    return oauthError(400, 'Parameter redirect_uri does not match registered URI')
  }
  state.tokens.consumeCode(code, now)
  const tokens = state.tokens.issueUserTokens(
    record.userId,
    client.clientId,
    record.scopes,
    state.tokenLifetimeSeconds,
    now
  )
  return tokenAnswer(tokens, true)
}

function refreshTokenGrant(
  fields: URLSearchParams,
  ctx: RequestContext,
  state: EmulatorState
): Reply {
  const client = checkClient(fields, state)
  if (!client.ok) {
    return client.reply
  }
  const refreshToken = fields.get('refresh_token')
  if (!refreshToken) {
    return oauthError(400, 'missing refresh token')
  }
  const now = state.now()
  const record = state.tokens.findRefresh(refreshToken)
  if (record) {
    ctx.userId = record.userId
    // An injected fault stands for Twitch failing before it looked at the
    // token, so the refresh token is not consumed and still works afterwards.
    const fault = state.refreshFaults.take(record.userId)
    if (fault) {
      return refreshFaultReply(fault, now)
    }
  }
  const outcome = state.tokens.refresh(
    refreshToken,
    client.clientId,
    state.tokenLifetimeSeconds,
    now
  )
  if (!outcome.ok) {
    return oauthError(400, 'Invalid refresh token')
  }
  return tokenAnswer(outcome.tokens, !state.omitsExpiresInOnRefresh)
}

function clientCredentialsGrant(fields: URLSearchParams, state: EmulatorState): Reply {
  const client = checkClient(fields, state)
  if (!client.ok) {
    return client.reply
  }
  const record = state.tokens.issueAppToken(client.clientId, state.now())
  return jsonReply(200, {
    access_token: record.token,
    expires_in: APP_TOKEN_LIFETIME_SECONDS,
    token_type: 'bearer',
  })
}

/** POST /oauth2/token: form body or query string, as Twitch accepts both. */
export function exchangeToken(ctx: RequestContext, state: EmulatorState): Reply {
  const fields = ctx.fields()
  const grantType = fields.get('grant_type')
  switch (grantType) {
    case 'authorization_code':
      return countCall(
        state,
        'token.authorization_code',
        ctx,
        authorizationCodeGrant(fields, ctx, state)
      )
    case 'refresh_token':
      return countCall(state, 'token.refresh_token', ctx, refreshTokenGrant(fields, ctx, state))
    case 'client_credentials':
      return countCall(
        state,
        'token.client_credentials',
        ctx,
        clientCredentialsGrant(fields, state)
      )
    case null:
    case '':
      return oauthError(400, 'missing grant_type')
    default:
      return oauthError(400, 'unsupported grant_type')
  }
}
