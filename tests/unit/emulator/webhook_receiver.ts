import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the receiver got it, raw body included (signatures are over it). */
export interface ReceivedMessage {
  path: string
  headers: IncomingHttpHeaders
  rawBody: string
  id: string
  type: string
  retry: string
  timestamp: string
  signature: string

  body: any
}

export interface Answer {
  status: number
  body?: string
  /** Answer only after this many ms (to test the emulator's timeout). */
  delayMs?: number
  /** Answer only once this settles (to hold an answer while the test acts). */
  until?: Promise<unknown>
  headers?: Record<string, string>
}

export type Responder = (message: ReceivedMessage) => Answer

/** What a correct app answers: the challenge as text/plain, 204 to everything else. */
export const correctResponder: Responder = (message) =>
  message.type === 'webhook_callback_verification'
    ? { status: 200, body: message.body.challenge, headers: { 'Content-Type': 'text/plain' } }
    : { status: 204 }

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : (value ?? '')
}

/**
 * A real HTTP server on a free port standing in for the app's webhook: it
 * records every request and answers with the current responder.
 */
export class WebhookReceiver {
  messages: ReceivedMessage[] = []
  #responder: Responder = correctResponder
  #waiters: { count: number; resolve: () => void }[] = []
  #server: Server
  #url = ''

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8')
        let body: unknown = null
        try {
          body = JSON.parse(rawBody)
        } catch {
          body = null
        }
        const message: ReceivedMessage = {
          path: req.url ?? '',
          headers: req.headers,
          rawBody,
          id: header(req.headers, 'twitch-eventsub-message-id'),
          type: header(req.headers, 'twitch-eventsub-message-type'),
          retry: header(req.headers, 'twitch-eventsub-message-retry'),
          timestamp: header(req.headers, 'twitch-eventsub-message-timestamp'),
          signature: header(req.headers, 'twitch-eventsub-message-signature'),
          body,
        }
        this.messages.push(message)
        this.#waiters = this.#waiters.filter((waiter) => {
          if (this.messages.length >= waiter.count) {
            waiter.resolve()
            return false
          }
          return true
        })
        const answer = this.#responder(message)
        const send = () => {
          if (!res.destroyed) {
            res.writeHead(answer.status, answer.headers ?? {})
            res.end(answer.body ?? '')
          }
        }
        if (answer.delayMs) {
          setTimeout(send, answer.delayMs).unref()
        } else if (answer.until) {
          void answer.until.then(send)
        } else {
          send()
        }
      })
    })
  }

  /** The callback URL to subscribe with. */
  get callback(): string {
    return `${this.#url}/webhooks/twitch`
  }

  get url(): string {
    return this.#url
  }

  /** Resolves once `count` requests in all have arrived (since the last reset). */
  received(count: number): Promise<void> {
    if (this.messages.length >= count) {
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push({ count, resolve }))
  }

  respondWith(responder: Responder): void {
    this.#responder = responder
  }

  reset(): void {
    this.messages = []
    this.#responder = correctResponder
  }

  ofType(type: string): ReceivedMessage[] {
    return this.messages.filter((message) => message.type === type)
  }

  /** Notifications of one subscription type, in arrival order. */
  events(subscriptionType: string): ReceivedMessage[] {
    return this.ofType('notification').filter(
      (message) => header(message.headers, 'twitch-eventsub-subscription-type') === subscriptionType
    )
  }

  listen(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.listen(0, '127.0.0.1', () => {
        const { port } = this.#server.address() as AddressInfo
        this.#url = `http://127.0.0.1:${port}`
        resolve()
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve())
      this.#server.closeAllConnections()
    })
  }
}
