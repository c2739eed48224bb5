import type { IncomingHttpHeaders } from 'node:http'

/** Thrown by `json()` when the body is not JSON; the request handler answers 400. */
export class MalformedBodyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MalformedBodyError'
  }
}

/** One request, read in full, as the routes see it. */
export class RequestContext {
  /** Path parameters of the matched route (`:id`). */
  params: Record<string, string> = {}
  /**
   * The Twitch user this call is about, once a route knows it (from a token,
   * a code or a refresh token). Per-user latency keys on it.
   */
  userId: string | null = null

  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly rawBody: string

  constructor(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    rawBody: string
  ) {
    this.method = method
    this.path = path
    this.query = query
    this.headers = headers
    this.rawBody = rawBody
  }

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()]
    return Array.isArray(value) ? value[0] : value
  }

  /** The form-encoded body; empty when the body is not form-encoded. */
  form(): URLSearchParams {
    const type = this.header('content-type') ?? ''
    return type.includes('application/x-www-form-urlencoded')
      ? new URLSearchParams(this.rawBody)
      : new URLSearchParams()
  }

  /**
   * Query string and form body together, the body winning: Twitch's token and
   * revoke endpoints take their parameters either way.
   */
  fields(): URLSearchParams {
    const merged = new URLSearchParams(this.query)
    for (const [key, value] of this.form()) {
      merged.set(key, value)
    }
    return merged
  }

  /** The parsed JSON body; undefined when there is no body. */
  json(): unknown {
    if (this.rawBody.trim().length === 0) {
      return undefined
    }
    try {
      return JSON.parse(this.rawBody) as unknown
    } catch {
      throw new MalformedBodyError('Malformed JSON in request body')
    }
  }

  /** The JSON body when it is an object, else a MalformedBodyError. */
  jsonObject(): Record<string, unknown> {
    const body = this.json()
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MalformedBodyError('The request body must be a JSON object')
    }
    return body as Record<string, unknown>
  }
}
