import {
  TwitchPermanentError,
  TwitchTimeoutError,
  TwitchTransientError,
  TwitchUnauthorizedError,
} from '#services/twitch/twitch_errors'
import { printable } from '#services/twitch/printable_text'

/**
 * Rate-limit state Helix reports on every answer (`Ratelimit-*` headers).
 */
export interface RateLimitInfo {
  limit: number
  remaining: number
  /** When the bucket refills, Unix milliseconds. */
  resetAt: number
}

interface TwitchResponse<T> {
  status: number
  body: T
  rateLimit: RateLimitInfo | null
}

interface TwitchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  headers?: Record<string, string>
  /** A form body (OAuth endpoints) or a JSON body (Helix). */
  form?: Record<string, string>
  json?: unknown
  timeoutMs: number
  /** What the call does, for error messages ("refresh token", "create poll"). */
  action: string
}

/**
 * The one place Chorus talks HTTP to Twitch: a timeout on every call and
 * every failure turned into a typed error that says whether retrying can help.
 */
export async function twitchRequest<T>(request: TwitchRequest): Promise<TwitchResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers }
  let body: string | undefined
  if (request.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(request.form).toString()
  } else if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(request.json)
  }

  let response: Response
  let text: string
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(request.timeoutMs),
    })
    text = await response.text()
  } catch (error) {
    if (isTimeout(error)) {
      throw new TwitchTimeoutError(
        `Twitch did not answer within ${request.timeoutMs} ms (${request.action})`
      )
    }
    throw new TwitchTransientError(
      `Twitch could not be reached (${request.action}): ${describeNetworkError(error)}`
    )
  }

  const rateLimit = readRateLimit(response.headers)
  const parsed = parseJson(text)
  if (response.ok) {
    if (text.length > 0 && parsed === undefined) {
      throw new TwitchTransientError(
        `Twitch answered ${response.status} with an unreadable body (${request.action})`,
        response.status
      )
    }
    return { status: response.status, body: (parsed ?? null) as T, rateLimit }
  }

  throw errorFor(request.action, response, parsed, rateLimit)
}

function errorFor(
  action: string,
  response: Response,
  parsed: unknown,
  rateLimit: RateLimitInfo | null
) {
  const status = response.status
  const twitchMessage = readMessage(parsed)
  const message = `Twitch answered ${status} to ${action}${twitchMessage ? `: ${twitchMessage}` : ''}`

  if (status === 429 || status >= 500) {
    return new TwitchTransientError(
      message,
      status,
      twitchMessage,
      retryAfterMs(response.headers, rateLimit)
    )
  }
  if (status === 401) {
    return new TwitchUnauthorizedError(message, status, twitchMessage)
  }
  return new TwitchPermanentError(message, status, twitchMessage)
}

/**
 * Retry-After (seconds) wins; else the time until Ratelimit-Reset.
 */
function retryAfterMs(headers: Headers, rateLimit: RateLimitInfo | null): number | null {
  const retryAfter = Number(headers.get('retry-after'))
  if (headers.has('retry-after') && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return retryAfter * 1000
  }
  if (rateLimit) {
    return Math.max(0, rateLimit.resetAt - Date.now())
  }
  return null
}

function readRateLimit(headers: Headers): RateLimitInfo | null {
  const limit = Number(headers.get('ratelimit-limit'))
  const remaining = Number(headers.get('ratelimit-remaining'))
  const reset = Number(headers.get('ratelimit-reset'))
  if (!headers.has('ratelimit-reset') || !Number.isFinite(reset)) {
    return null
  }
  return {
    limit: Number.isFinite(limit) ? limit : 0,
    remaining: Number.isFinite(remaining) ? remaining : 0,
    resetAt: reset * 1000,
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function readMessage(parsed: unknown): string | null {
  if (parsed && typeof parsed === 'object' && 'message' in parsed) {
    const message = (parsed as { message: unknown }).message
    // Twitch's text ends up in error messages, hence in logs: no control characters.
    const text = typeof message === 'string' ? printable(message) : ''
    return text.length > 0 ? text : null
  }
  return null
}

function isTimeout(error: unknown) {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

function describeNetworkError(error: unknown) {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause
    return cause?.code ?? error.message
  }
  return 'unknown error'
}
