import { countCall } from './call_counter.js'
import { helixFaultReply } from './fault_replies.js'
import { helixError } from './replies.js'
import type { Reply } from './replies.js'
import { MalformedBodyError } from './request_context.js'
import type { RequestContext } from './request_context.js'
import type { Handler } from './router.js'
import type { StatKey } from './stats_recorder.js'
import type { EmulatorState } from './state.js'
import type { AccessTokenRecord, EmulatorUser } from './types.js'

/** Who is calling Helix: a live token and, for user tokens, its user. */
export interface HelixCaller {
  token: AccessTokenRecord
  user: EmulatorUser | undefined
}

export type HelixEndpoint = (ctx: RequestContext, caller: HelixCaller) => Reply

type Authentication = { ok: true; caller: HelixCaller } | { ok: false; reply: Reply }

function authenticate(ctx: RequestContext, state: EmulatorState, now: number): Authentication {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.header('authorization') ?? '')
  if (!match) {
    return { ok: false, reply: helixError(401, 'OAuth token is missing') }
  }
  const clientId = ctx.header('client-id')
  if (!clientId) {
    return { ok: false, reply: helixError(401, 'Client ID is missing') }
  }
  const token = state.tokens.findLiveAccess(match[1], now)
  if (!token) {
    return { ok: false, reply: helixError(401, 'Invalid OAuth token') }
  }
  if (token.clientId !== clientId) {
    return { ok: false, reply: helixError(401, 'Client ID and OAuth token do not match') }
  }
  const user = token.userId === null ? undefined : state.users.get(token.userId)
  return { ok: true, caller: { token, user } }
}

/** Rate-limit headers go on every Helix answer; a reply's own headers (a fault's) win. */
function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  if (reply.kind === 'hang' || reply.kind === 'redirect') {
    return reply
  }
  return { ...reply, headers: { ...headers, ...reply.headers } }
}

function runEndpoint(endpoint: HelixEndpoint, ctx: RequestContext, caller: HelixCaller): Reply {
  try {
    return endpoint(ctx, caller)
  } catch (error) {
    if (error instanceof MalformedBodyError) {
      return helixError(400, error.message)
    }
    throw error
  }
}

/**
 * Wraps a Helix endpoint in what every Helix call goes through, in Twitch's
 * order: authentication (Bearer token + matching Client-Id), the rate-limit
 * bucket of the client+user, injected faults for the token's user, then the
 * endpoint. Every call is counted, rejected ones included.
 */
export function helixEndpoint(
  state: EmulatorState,
  key: StatKey,
  endpoint: HelixEndpoint
): Handler {
  return (ctx) => {
    state.statsRecorder.recordHelixCall()
    const now = state.now()
    const auth = authenticate(ctx, state, now)
    if (!auth.ok) {
      // Unauthenticated calls still spend points, from a bucket of their own.
      const verdict = state.rateLimiter.consume(`anonymous:${ctx.header('client-id') ?? ''}`, now)
      return countCall(state, key, ctx, withHeaders(auth.reply, verdict.headers))
    }
    const { caller } = auth
    ctx.userId = caller.token.userId
    const verdict = state.rateLimiter.consume(
      `${caller.token.clientId}:${caller.token.userId ?? 'app'}`,
      now
    )
    let reply: Reply
    if (!verdict.allowed) {
      reply = helixError(429, 'Too Many Requests: the rate limit of this client and user is spent')
    } else {
      const fault = ctx.userId === null ? undefined : state.helixFaults.take(ctx.userId)
      reply = fault ? helixFaultReply(fault, now) : runEndpoint(endpoint, ctx, caller)
    }
    return countCall(state, key, ctx, withHeaders(reply, verdict.headers))
  }
}

/** 401 unless the token carries one of `anyOf`, with Twitch's "Missing scope" message. */
export function missingScope(caller: HelixCaller, anyOf: readonly string[]): Reply | undefined {
  if (anyOf.some((scope) => caller.token.scopes.includes(scope))) {
    return undefined
  }
  return helixError(401, `Missing scope: ${anyOf.join(' or ')}`)
}
