import { STATUS_CODES } from 'node:http'

/**
 * What a route answers, as data: the request handler applies latency and
 * writes it. Keeping handlers free of `res` makes them easy to read and lets
 * one place decide when (or whether) bytes go out.
 */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'html'; status: number; html: string; headers?: Record<string, string> }
  | { kind: 'redirect'; location: string }
  | { kind: 'empty'; status: number; headers?: Record<string, string> }
  /** Any other body (an icon…), with its content type. */
  | {
      kind: 'bytes'
      status: number
      contentType: string
      body: string | Buffer
      headers?: Record<string, string>
    }
  /** Never answer: the socket stays open until the client gives up or the emulator closes. */
  | { kind: 'hang' }

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { kind: 'json', status, body, headers }
}

export function htmlReply(status: number, html: string): Reply {
  return { kind: 'html', status, html }
}

export function redirectReply(location: string): Reply {
  return { kind: 'redirect', location }
}

export function bytesReply(status: number, contentType: string, body: string | Buffer): Reply {
  return { kind: 'bytes', status, contentType, body }
}

export function emptyReply(status: number = 200, headers?: Record<string, string>): Reply {
  return { kind: 'empty', status, headers }
}

export function hangReply(): Reply {
  return { kind: 'hang' }
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

/** Helix (and control API) error body: `{"error":"Bad Request","status":400,"message":"…"}`. */
export function helixError(status: number, message: string, headers?: Record<string, string>) {
  return jsonReply(status, { error: reasonPhrase(status), status, message }, headers)
}

/** OAuth error body: `{"status":400,"message":"…"}`. */
export function oauthError(status: number, message: string, headers?: Record<string, string>) {
  return jsonReply(status, { status, message }, headers)
}
