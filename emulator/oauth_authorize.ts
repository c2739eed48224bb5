import { renderAuthorizePage, renderErrorPage } from './authorize_page.js'
import type { AuthorizeRequest } from './authorize_page.js'
import { countCall } from './call_counter.js'
import { htmlReply, redirectReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'

type AuthorizeRead = { ok: true; request: AuthorizeRequest } | { ok: false; message: string }

/** Only absolute http(s) redirect URIs make sense for a browser redirect. */
function isUsableRedirect(uri: string): boolean {
  try {
    const url = new URL(uri)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** The same checks for the GET (page) and the POST (a button): a forged POST gets no further. */
function readAuthorizeRequest(fields: URLSearchParams, state: EmulatorState): AuthorizeRead {
  const clientId = fields.get('client_id') ?? ''
  const redirectUri = fields.get('redirect_uri') ?? ''
  const responseType = fields.get('response_type') ?? ''
  if (clientId === '') {
    return { ok: false, message: 'Missing client_id.' }
  }
  if (!state.findClient(clientId)) {
    return { ok: false, message: `Invalid client: ${clientId} is not a registered application.` }
  }
  if (!isUsableRedirect(redirectUri)) {
    return { ok: false, message: 'Missing or invalid redirect_uri.' }
  }
  if (responseType !== 'code') {
    return {
      ok: false,
      message: `Unsupported response_type "${responseType}": this emulator only supports "code".`,
    }
  }
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      responseType,
      scope: (fields.get('scope') ?? '').trim(),
      state: fields.get('state'),
      forceVerify: fields.get('force_verify'),
    },
  }
}

function redirectWith(base: string, params: Record<string, string | null>): Reply {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) {
      url.searchParams.set(name, value)
    }
  }
  return redirectReply(url.toString())
}

/** GET /oauth2/authorize: the page to pick an account and approve, or deny. */
export function showAuthorizePage(ctx: RequestContext, state: EmulatorState): Reply {
  const read = readAuthorizeRequest(ctx.query, state)
  if (!read.ok) {
    return htmlReply(400, renderErrorPage(read.message))
  }
  return htmlReply(200, renderAuthorizePage(read.request, state.users.list()))
}

/** POST /oauth2/authorize: a button of the page; redirects back to the app. */
export function decideAuthorization(ctx: RequestContext, state: EmulatorState): Reply {
  const fields = ctx.form()
  const read = readAuthorizeRequest(fields, state)
  if (!read.ok) {
    return countCall(state, 'authorize', ctx, htmlReply(400, renderErrorPage(read.message)))
  }
  const { request } = read
  const decision = fields.get('decision')
  if (decision === 'deny') {
    return countCall(
      state,
      'authorize',
      ctx,
      redirectWith(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied you access',
        state: request.state,
      })
    )
  }
  if (decision !== 'approve') {
    return countCall(state, 'authorize', ctx, htmlReply(400, renderErrorPage('Unknown decision.')))
  }
  const user = state.users.get(fields.get('user_id') ?? '')
  if (!user) {
    return countCall(state, 'authorize', ctx, htmlReply(400, renderErrorPage('Unknown user.')))
  }
  ctx.userId = user.id
  const scopes = request.scope.split(/\s+/).filter((scope) => scope.length > 0)
  const code = state.tokens.createCode(
    { clientId: request.clientId, redirectUri: request.redirectUri, userId: user.id, scopes },
    state.now()
  )
  return countCall(
    state,
    'authorize',
    ctx,
    redirectWith(request.redirectUri, {
      code: code.code,
      scope: scopes.join(' '),
      state: request.state,
    })
  )
}
