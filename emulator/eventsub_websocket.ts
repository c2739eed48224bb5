import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type { ShardStatus } from './conduit_store.js'
import { nanoTimestamp } from './rfc3339.js'

/** Where the emulator's EventSub WebSocket server listens (Twitch's is `wss://eventsub.wss.twitch.tv/ws`). */
export const WEBSOCKET_PATH = '/ws'

/** Twitch's bounds for `keepalive_timeout_seconds`, and its default. */
const KEEPALIVE_RANGE = { min: 10, max: 600, default: 10 } as const

/** After `session_reconnect`, the client has this long to connect to the new URL (else 4004). */
const RECONNECT_GRACE_MS = 30_000

/** Twitch's close codes and the shard status each leaves behind. */
export const CLOSE_CODES = {
  4000: { reason: 'internal server error', status: 'websocket_internal_error' },
  4001: { reason: 'client sent inbound traffic', status: 'websocket_received_inbound_traffic' },
  4002: { reason: 'client failed ping-pong', status: 'websocket_failed_ping_pong' },
  4003: { reason: 'connection unused', status: 'websocket_connection_unused' },
  4004: { reason: 'reconnect grace time expired', status: 'websocket_failed_to_reconnect' },
  4005: { reason: 'network timeout', status: 'websocket_network_timeout' },
  4006: { reason: 'network error', status: 'websocket_network_error' },
  4007: { reason: 'invalid reconnect', status: 'websocket_failed_to_reconnect' },
} as const satisfies Record<number, { reason: string; status: ShardStatus }>

export type CloseCode = keyof typeof CLOSE_CODES

export function isCloseCode(value: unknown): value is CloseCode {
  return typeof value === 'number' && value in CLOSE_CODES
}

export interface SocketDeps {
  now: () => number
  /** How long a new session may stay unused (on no shard) before it is closed with 4003. */
  unusedCloseMs: () => number
  /** Whether the session feeds a shard. */
  isUsed: (sessionId: string) => boolean
  /** The session is over (its socket closed, by either side): its shard is disabled. */
  onSessionEnded: (sessionId: string, status: ShardStatus) => void
}

interface Session {
  id: string
  socket: WebSocket
  keepaliveSeconds: number
  connectedAt: string
  /** e.g. ws://127.0.0.1:3390/ws, from the Host the client used. */
  baseUrl: string
  /** A `session_reconnect` was sent: the next connection to its URL takes the session over. */
  reconnecting: boolean
  /** A fault: nothing is sent (no keepalive either), so the client sees silence. */
  silent: boolean
  timers: Set<NodeJS.Timeout>
  keepalive: NodeJS.Timeout | null
  awaitingPong: boolean
}

export interface SessionView {
  id: string
  keepaliveSeconds: number
  connectedAt: string
  reconnecting: boolean
  silent: boolean
}

/**
 * The EventSub WebSocket server: a session per connection, welcomed with
 * its id and keepalive, kept alive by `session_keepalive` frames and
 * pings, closed with Twitch's codes. Notifications reach it through
 * `send`; the conduit delivery decides which session gets what.
 */
export class EventSubSockets {
  #server = new WebSocketServer({ noServer: true })
  #sessions = new Map<string, Session>()
  #deps: SocketDeps

  constructor(deps: SocketDeps) {
    this.#deps = deps
  }

  /** Takes an HTTP upgrade on WEBSOCKET_PATH; false for any other path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://emulator')
    if (url.pathname !== WEBSOCKET_PATH) return false
    const keepalive = url.searchParams.get('keepalive_timeout_seconds')
    const keepaliveSeconds = keepalive === null ? KEEPALIVE_RANGE.default : Number(keepalive)
    if (
      !Number.isInteger(keepaliveSeconds) ||
      keepaliveSeconds < KEEPALIVE_RANGE.min ||
      keepaliveSeconds > KEEPALIVE_RANGE.max
    ) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      return true
    }
    const baseUrl = `ws://${request.headers.host ?? '127.0.0.1'}${WEBSOCKET_PATH}`
    this.#server.handleUpgrade(request, socket, head, (ws) => {
      const reconnectOf = url.searchParams.get('reconnect')
      if (reconnectOf === null) this.#open(ws, keepaliveSeconds, baseUrl)
      else this.#takeOver(ws, reconnectOf)
    })
    return true
  }

  list(): SessionView[] {
    return [...this.#sessions.values()].map((session) => ({
      id: session.id,
      keepaliveSeconds: session.keepaliveSeconds,
      connectedAt: session.connectedAt,
      reconnecting: session.reconnecting,
      silent: session.silent,
    }))
  }

  has(sessionId: string): boolean {
    return this.#sessions.has(sessionId)
  }

  /**
   * One frame to the session's current socket. True once written; false
   * when the session is gone, silenced or its socket is not open (the
   * caller tries another shard).
   */
  send(sessionId: string, frame: unknown): Promise<boolean> {
    const session = this.#sessions.get(sessionId)
    if (!session || session.silent || session.socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve(false)
    }
    this.#armKeepalive(session)
    return new Promise((resolve) => {
      session.socket.send(JSON.stringify(frame), (error) => resolve(!error))
    })
  }

  /** A frame as Twitch wraps one: metadata, then the payload. */
  frame(
    messageType: string,
    payload: unknown,
    subscription?: { type: string; version: string },
    messageId: string = randomUUID()
  ) {
    return {
      metadata: {
        message_id: messageId,
        message_type: messageType,
        message_timestamp: nanoTimestamp(this.#deps.now()),
        ...(subscription
          ? { subscription_type: subscription.type, subscription_version: subscription.version }
          : {}),
      },
      payload,
    }
  }

  /** Sends `session_reconnect`: the client is to connect to the URL it names. */
  requestReconnect(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId)
    if (!session || session.socket.readyState !== WebSocket.OPEN) return false
    session.reconnecting = true
    const reconnectUrl = `${session.baseUrl}?reconnect=${encodeURIComponent(session.id)}`
    session.socket.send(
      JSON.stringify(
        this.frame('session_reconnect', {
          session: {
            ...this.#sessionPayload(session, 'reconnecting'),
            reconnect_url: reconnectUrl,
          },
        })
      )
    )
    const socket = session.socket
    this.#later(session, RECONNECT_GRACE_MS, () => {
      // Nobody came to the new URL: the session is over.
      if (session.socket === socket && session.reconnecting) this.close(session.id, 4004)
    })
    return true
  }

  /** Closes the session with one of Twitch's codes. */
  close(sessionId: string, code: CloseCode): boolean {
    const session = this.#sessions.get(sessionId)
    if (!session) return false
    this.#end(session, CLOSE_CODES[code].status)
    session.socket.close(code, CLOSE_CODES[code].reason)
    return true
  }

  /** The connection drops without a close frame (a network failure). */
  drop(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId)
    if (!session) return false
    this.#end(session, 'websocket_disconnected')
    session.socket.terminate()
    return true
  }

  /** Nothing more is sent on the session (keepalives included) until it is closed. */
  silence(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId)
    if (!session) return false
    session.silent = true
    if (session.keepalive) clearTimeout(session.keepalive)
    return true
  }

  /** Every session ends (reset, close). */
  closeAll(): void {
    for (const session of [...this.#sessions.values()]) {
      this.#end(session, 'websocket_disconnected')
      session.socket.terminate()
    }
  }

  #open(ws: WebSocket, keepaliveSeconds: number, baseUrl: string) {
    const session: Session = {
      id: randomUUID(),
      socket: ws,
      keepaliveSeconds,
      connectedAt: nanoTimestamp(this.#deps.now()),
      baseUrl,
      reconnecting: false,
      silent: false,
      timers: new Set(),
      keepalive: null,
      awaitingPong: false,
    }
    this.#sessions.set(session.id, session)
    this.#watch(session, ws)
    this.#welcome(session)
    this.#later(session, this.#deps.unusedCloseMs(), () => {
      if (!this.#deps.isUsed(session.id)) this.close(session.id, 4003)
    })
    this.#startPings(session)
  }

  /** A connection to a `reconnect_url`: it takes the session over, same id, after its welcome. */
  #takeOver(ws: WebSocket, sessionId: string) {
    const session = this.#sessions.get(sessionId)
    if (!session || !session.reconnecting) {
      ws.close(4007, CLOSE_CODES[4007].reason)
      return
    }
    const old = session.socket
    session.socket = ws
    session.reconnecting = false
    this.#watch(session, ws)
    this.#welcome(session)
    // The old socket is the client's to close; it may not linger past the grace.
    const timer = setTimeout(() => old.close(4004, CLOSE_CODES[4004].reason), RECONNECT_GRACE_MS)
    timer.unref()
    old.once('close', () => clearTimeout(timer))
  }

  #watch(session: Session, ws: WebSocket) {
    ws.on('message', () => {
      // Clients may only answer pings: anything else closes the session.
      if (session.socket === ws) this.close(session.id, 4001)
    })
    ws.on('pong', () => {
      session.awaitingPong = false
    })
    ws.on('error', () => {})
    ws.on('close', () => {
      // The session ends with its current socket only (not an old one after a reconnect).
      if (session.socket === ws) this.#end(session, 'websocket_disconnected')
    })
  }

  #welcome(session: Session) {
    session.socket.send(
      JSON.stringify(
        this.frame('session_welcome', {
          session: { ...this.#sessionPayload(session, 'connected'), reconnect_url: null },
        })
      )
    )
    this.#armKeepalive(session)
  }

  #sessionPayload(session: Session, status: string) {
    return {
      id: session.id,
      status,
      connected_at: session.connectedAt,
      keepalive_timeout_seconds: session.keepaliveSeconds,
    }
  }

  /** A keepalive goes out when nothing else did for most of the keepalive time. */
  #armKeepalive(session: Session) {
    if (session.keepalive) clearTimeout(session.keepalive)
    if (session.silent || !this.#sessions.has(session.id)) return
    session.keepalive = setTimeout(() => {
      if (session.socket.readyState === WebSocket.OPEN && !session.silent) {
        session.socket.send(JSON.stringify(this.frame('session_keepalive', {})))
      }
      this.#armKeepalive(session)
    }, session.keepaliveSeconds * 800)
    session.keepalive.unref()
  }

  /** A ping every keepalive period; no pong by the next one closes with 4002. */
  #startPings(session: Session) {
    const timer = setInterval(() => {
      if (session.awaitingPong) {
        clearInterval(timer)
        this.close(session.id, 4002)
        return
      }
      session.awaitingPong = true
      session.socket.ping()
    }, session.keepaliveSeconds * 1000)
    timer.unref()
    session.timers.add(timer)
  }

  #later(session: Session, ms: number, work: () => void) {
    const timer = setTimeout(() => {
      session.timers.delete(timer)
      work()
    }, ms)
    timer.unref()
    session.timers.add(timer)
  }

  #end(session: Session, status: ShardStatus) {
    if (!this.#sessions.delete(session.id)) return
    for (const timer of session.timers) clearTimeout(timer)
    if (session.keepalive) clearTimeout(session.keepalive)
    this.#deps.onSessionEnded(session.id, status)
  }
}
