import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto'

/**
 * A push service for tests: a node:http server on 127.0.0.1 that records
 * every request and answers 201, or what a test told it to answer for an
 * endpoint. Subscriptions are made like a browser makes them (an ECDH P-256
 * key pair and a 16-byte auth secret), so a test can decrypt what Chorus
 * sent: the aes128gcm payload of RFC 8291 / RFC 8188, done here with
 * node:crypto alone.
 */

export interface ReceivedPush {
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
}

type Answer = number | 'hang'

export class PushReceiver {
  readonly requests: ReceivedPush[] = []
  /** How long each answer takes (to watch concurrency). */
  latencyMs = 0
  /** Most requests that were in flight at once since the last reset. */
  maxInFlight = 0
  #inFlight = 0
  #answers = new Map<string, Answer>()
  #server: Server | null = null
  #hanging = new Set<() => void>()
  #waiters: (() => void)[] = []

  get url() {
    const address = this.#server?.address() as AddressInfo | null
    if (!address) throw new Error('the push receiver is not listening')
    return `http://127.0.0.1:${address.port}`
  }

  async start() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', async () => {
        const path = request.url ?? '/'
        this.#inFlight += 1
        this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight)
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks) })
        this.#waiters.splice(0).forEach((wake) => wake())
        const answer = this.#answers.get(path) ?? 201
        if (answer === 'hang') {
          this.#hanging.add(() => response.destroy())
          return
        }
        if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs))
        this.#inFlight -= 1
        // A redirect points at another path of this receiver: a client that follows it shows up there.
        const headers = answer >= 300 && answer < 400 ? { Location: '/redirected' } : {}
        response.writeHead(answer, headers).end()
      })
    })
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop() {
    this.#hanging.forEach((release) => release())
    this.#hanging.clear()
    const server = this.#server
    this.#server = null
    if (server) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }

  reset() {
    this.requests.length = 0
    this.#answers.clear()
    this.latencyMs = 0
    this.maxInFlight = 0
    this.#inFlight = 0
  }

  /** What the push service answers for one subscription from now on. */
  answer(subscription: BrowserSubscription, status: Answer) {
    this.#answers.set(new URL(subscription.endpoint).pathname, status)
  }

  /** The requests sent to one subscription's endpoint. */
  requestsFor(subscription: BrowserSubscription) {
    const path = new URL(subscription.endpoint).pathname
    return this.requests.filter((request) => request.path === path)
  }

  /** Waits until `count` requests arrived in total (or fails after `timeoutMs`). */
  async waitForRequests(count: number, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs
    while (this.requests.length < count) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(`expected ${count} push requests, got ${this.requests.length}`)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** A new browser subscription whose endpoint is on this receiver. */
  subscription(name = 'browser') {
    return new BrowserSubscription(`${this.url}/push/${name}-${randomBytes(6).toString('hex')}`)
  }
}

/**
 * What a browser keeps for one push subscription: the endpoint, its
 * ECDH P-256 key pair and its auth secret. `toJSON()` is the body the
 * browser's `PushSubscription.toJSON()` gives.
 */
export class BrowserSubscription {
  readonly #ecdh = createECDH('prime256v1')
  readonly #auth = randomBytes(16)
  readonly publicKey: Buffer

  constructor(readonly endpoint: string) {
    this.publicKey = this.#ecdh.generateKeys()
  }

  toJSON() {
    return {
      endpoint: this.endpoint,
      expirationTime: null,
      keys: {
        p256dh: this.publicKey.toString('base64url'),
        auth: this.#auth.toString('base64url'),
      },
    }
  }

  /**
   * Decrypts an aes128gcm web push body (RFC 8291 key derivation, one
   * RFC 8188 record) and returns the plaintext.
   */
  decrypt(body: Buffer): string {
    // RFC 8188 header: salt(16) | record size(4) | key id length(1) | key id
    const salt = body.subarray(0, 16)
    const recordSize = body.readUInt32BE(16)
    const keyIdLength = body[20]
    const serverPublicKey = body.subarray(21, 21 + keyIdLength)
    const record = body.subarray(21 + keyIdLength)
    if (keyIdLength !== 65) throw new Error(`key id is ${keyIdLength} bytes, not a P-256 point`)
    if (record.length > recordSize) throw new Error('more than one record')

    // RFC 8291 §3.3-3.4: the input keying material from ECDH and the auth secret
    const ecdhSecret = this.#ecdh.computeSecret(serverPublicKey)
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, serverPublicKey])
    const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, this.#auth, keyInfo, 32))

    // RFC 8188 §2.2-2.3: content encryption key and nonce
    const cek = Buffer.from(
      hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
    )
    const nonce = Buffer.from(
      hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
    )

    const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const padded = Buffer.concat([
      decipher.update(record.subarray(0, record.length - 16)),
      decipher.final(),
    ])

    // Plaintext ‖ 0x02 (last record) ‖ zero padding
    let end = padded.length - 1
    while (end >= 0 && padded[end] === 0) end--
    if (padded[end] !== 0x02)
      throw new Error('the record does not end with the last-record delimiter')
    return padded.subarray(0, end).toString('utf8')
  }

  /** Decrypts and parses a JSON payload. */
  decryptJson(request: ReceivedPush): Record<string, unknown> {
    return JSON.parse(this.decrypt(request.body))
  }
}

/**
 * Checks a request's `Authorization: vapid t=<JWT>, k=<public key>` header
 * (RFC 8292): the key is the server's, the JWT is signed by it (ES256) for
 * the receiver's origin and not expired. Returns the JWT claims.
 */
export function verifyVapid(request: ReceivedPush, vapidPublicKey: string, audience: string) {
  const header = String(request.headers.authorization ?? '')
  const match = header.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/)
  if (!match) throw new Error('no VAPID authorization header')
  const [, token, key] = match
  if (key !== vapidPublicKey) throw new Error('the VAPID key is not the server key')

  const [encodedHeader, encodedClaims, signature] = token.split('.')
  const point = Buffer.from(key, 'base64url')
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  const valid = verify(
    'sha256',
    Buffer.from(`${encodedHeader}.${encodedClaims}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url')
  )
  if (!valid) throw new Error('the VAPID signature does not verify')

  const claims = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8'))
  if (claims.aud !== audience) throw new Error(`VAPID audience ${claims.aud}, expected ${audience}`)
  if (claims.exp * 1000 < Date.now()) throw new Error('the VAPID token has expired')
  return claims as { aud: string; exp: number; sub: string }
}
