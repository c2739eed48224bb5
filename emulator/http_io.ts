import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Reply } from './replies.js'

/** Bodies beyond this are refused: nothing the emulator accepts comes close. */
export const MAX_BODY_BYTES = 1024 * 1024

export class BodyTooLargeError extends Error {
  constructor() {
    super(`Request body exceeds ${MAX_BODY_BYTES} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError())
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Writes a reply unless the client already went away. A 'hang' reply writes nothing. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded || reply.kind === 'hang') {
    return
  }
  switch (reply.kind) {
    case 'json': {
      const body = JSON.stringify(reply.body)
      res.writeHead(reply.status, {
        ...reply.headers,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      })
      res.end(body)
      return
    }
    case 'html':
      res.writeHead(reply.status, {
        ...reply.headers,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(reply.html),
        'Cache-Control': 'no-store',
      })
      res.end(reply.html)
      return
    case 'redirect':
      res.writeHead(302, { 'Location': reply.location, 'Content-Length': 0 })
      res.end()
      return
    case 'bytes':
      res.writeHead(reply.status, {
        'Cache-Control': 'public, max-age=86400',
        ...reply.headers,
        'Content-Type': reply.contentType,
        'Content-Length': Buffer.byteLength(reply.body),
      })
      res.end(reply.body)
      return
    case 'empty':
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': 0 })
      res.end()
  }
}
