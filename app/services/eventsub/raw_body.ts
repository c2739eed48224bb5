import type { IncomingMessage } from 'node:http'

export class BodyTooLargeError extends Error {}

/**
 * The request body exactly as sent (signatures cover its bytes). Past
 * `limitBytes` the rest is drained and dropped, not kept, and the read fails
 * with BodyTooLargeError (the socket stays usable for the answer).
 */
export function readRawBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'])
    let tooLarge = Number.isFinite(declared) && declared > limitBytes
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      if (size > limitBytes) {
        tooLarge = true
        chunks.length = 0
        return
      }
      chunks.push(chunk)
    })
    request.once('end', () =>
      tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))
    )
    request.once('error', reject)
  })
}
