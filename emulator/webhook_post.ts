import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** The most of an answer's body the emulator reads (a challenge is short). */
const MAX_ANSWER_BYTES = 64 * 1024

export interface WebhookAnswer {
  /** null when no answer came (timeout, refused connection…). */
  status: number | null
  body: string
  failure: 'timeout' | 'unreachable' | null
  error: string | null
  durationMs: number
}

/**
 * POSTs one message to a callback, the way Twitch does: no redirect is
 * followed (a 3xx is just a non-2xx answer), and an answer that takes longer
 * than `timeoutMs` counts as none. `cancel` aborts it (emulator reset/close).
 */
export function postWebhook(
  callback: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  cancel: AbortSignal
): Promise<WebhookAnswer> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: Omit<WebhookAnswer, 'durationMs'>) => {
      if (!settled) {
        settled = true
        clearTimeout(timer)
        resolve({ ...answer, durationMs: elapsed() })
      }
    }
    const url = new URL(callback)
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      signal: cancel,
    })
    const timer = setTimeout(() => {
      finish({
        status: null,
        body: '',
        failure: 'timeout',
        error: `no answer within ${timeoutMs} ms`,
      })
      req.destroy()
    }, timeoutMs)
    timer.unref()
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_ANSWER_BYTES) {
          chunks.push(chunk)
        }
      })
      res.on('end', () =>
        finish({
          status: res.statusCode ?? null,
          body: Buffer.concat(chunks).toString('utf8'),
          failure: null,
          error: null,
        })
      )
      res.on('error', (error) =>
        finish({
          status: res.statusCode ?? null,
          body: '',
          failure: 'unreachable',
          error: error.message,
        })
      )
    })
    req.on('error', (error) =>
      finish({ status: null, body: '', failure: 'unreachable', error: error.message })
    )
    req.end(body)
  })
}
