import { countCall } from './call_counter.js'
import { emptyReply, jsonReply, oauthError } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'

/** `Authorization: OAuth <token>` (Twitch's form for /validate); `Bearer` is accepted too. */
function presentedToken(ctx: RequestContext): string | undefined {
  const header = ctx.header('authorization') ?? ''
  const match = /^(?:OAuth|Bearer)\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

function validateToken(ctx: RequestContext, state: EmulatorState): Reply {
  const token = presentedToken(ctx)
  if (!token) {
    return oauthError(401, 'missing authorization token')
  }
  const now = state.now()
  const record = state.tokens.findLiveAccess(token, now)
  if (!record) {
    ctx.userId = state.tokens.findAccess(token)?.userId ?? null
    return oauthError(401, 'invalid access token')
  }
  ctx.userId = record.userId
  const user = record.userId === null ? undefined : state.users.get(record.userId)
  return jsonReply(200, {
    client_id: record.clientId,
    ...(user ? { login: user.login } : {}),
    // Twitch answers `null` rather than [] for a token without scopes.
    scopes: record.scopes.length > 0 ? record.scopes : null,
    ...(user ? { user_id: user.id } : {}),
    expires_in: Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
  })
}

function revokeToken(ctx: RequestContext, state: EmulatorState): Reply {
  const fields = ctx.fields()
  const clientId = fields.get('client_id')
  const token = fields.get('token')
  if (!clientId) {
    return oauthError(400, 'missing client id')
  }
  if (!state.findClient(clientId)) {
    return oauthError(404, 'client does not exist')
  }
  if (!token) {
    return oauthError(400, 'missing oauth token')
  }
  const record = state.tokens.findAccess(token) ?? state.tokens.findRefresh(token)
  if (!record) {
    return oauthError(400, 'Invalid token')
  }
  ctx.userId = record.userId
  if (record.clientId !== clientId) {
    return oauthError(403, 'client ID does not match')
  }
  state.tokens.revoke(token)
  return emptyReply(200)
}

/** GET /oauth2/validate */
export function validate(ctx: RequestContext, state: EmulatorState): Reply {
  return countCall(state, 'validate', ctx, validateToken(ctx, state))
}

/** POST /oauth2/revoke */
export function revoke(ctx: RequestContext, state: EmulatorState): Reply {
  return countCall(state, 'revoke', ctx, revokeToken(ctx, state))
}
