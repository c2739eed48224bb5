import { setTimeout as sleep } from 'node:timers/promises'
import logger from '@adonisjs/core/services/logger'
import { WebSocket } from 'ws'
import { type Clock } from '#services/clock'
import { errorMessage } from '#services/error_message'
import { type EventSubSettings } from '#services/eventsub/eventsub_settings'
import { type EventSubReceiver, type EventSubOutcome } from '#services/eventsub/eventsub_receiver'
import { type ShardKeeper } from '#services/eventsub/conduit/shard_keeper'
import { SessionWatch, reconnectDelay } from '#services/eventsub/conduit/session_watch'
import { FrameLanes } from '#services/eventsub/conduit/frame_lanes'

/** A frame of Twitch's EventSub WebSocket. */
interface Frame {
  metadata?: { message_id?: string; message_type?: string }
  payload?: {
    session?: { id?: string; keepalive_timeout_seconds?: number | null; reconnect_url?: string }
    /** Unchecked here: the receiver checks every message's shape. */
    subscription?: { id?: unknown; condition?: Record<string, unknown> }
    event?: unknown
  }
}

/** What Twitch's close codes mean (docs/eventsub.md); every one ends in a fresh session. */
const CLOSE_REASONS: Record<number, string> = {
  4000: 'Twitch had an internal error',
  4001: 'we sent Twitch a message (clients may only answer pings)',
  4002: 'we missed a ping',
  4003: 'the session was not put on a shard in time',
  4004: 'we did not reconnect within the grace time',
  4005: 'network timeout',
  4006: 'network error',
  4007: 'the reconnect URL was refused',
}

/** After a handling failure, tries left once the process is stopping (then the frame is logged lost). */
const ATTEMPTS_WHEN_STOPPING = 5

/**
 * This web instance's WebSocket session to Twitch's EventSub, one shard of
 * the conduit (docs/eventsub.md). Welcomed, the session is put on our shard
 * by the ShardKeeper; frames go through the receiver's one path (once per
 * message id across instances), a channel's frames one after another, each
 * stored before its next; silence past the keepalive, a close, or an error
 * ends in a fresh session; `session_reconnect` opens the new URL and drops
 * the old socket only once the new one is welcomed. A container singleton
 * of the web process.
 */
export class EventSubSocket {
  #current: WebSocket | null = null
  /** The socket opened for a `session_reconnect`, until its welcome. */
  #successor: WebSocket | null = null
  #sessionId: string | null = null
  #watch: SessionWatch
  #watchdog: NodeJS.Timeout | null = null
  #lanes: FrameLanes
  #attempt = 0
  #stopping = false
  #retry: NodeJS.Timeout | null = null

  constructor(
    private settings: EventSubSettings,
    private keeper: ShardKeeper,
    private clock: Clock,
    private receiver: EventSubReceiver
  ) {
    this.#lanes = new FrameLanes(settings.frameConcurrency)
    this.#watch = new SessionWatch(
      clock.now(),
      settings.keepaliveSeconds,
      settings.keepaliveGraceMs
    )
  }

  get sessionId() {
    return this.#sessionId
  }

  start() {
    if (this.#current || this.#stopping) return
    this.#open(this.#firstUrl())
  }

  /** Closes the session, lets the frames already read finish, frees the shard. */
  async stop() {
    this.#stopping = true
    if (this.#retry) clearTimeout(this.#retry)
    if (this.#watchdog) clearTimeout(this.#watchdog)
    for (const socket of [this.#current, this.#successor]) socket?.close(1000)
    await this.#lanes.drain()
    await this.keeper.stop()
  }

  #firstUrl() {
    const url = new URL(this.settings.websocketUrl)
    url.searchParams.set('keepalive_timeout_seconds', String(this.settings.keepaliveSeconds))
    return url.toString()
  }

  #open(url: string, successorOf: WebSocket | null = null) {
    const socket = new WebSocket(url)
    if (successorOf) this.#successor = socket
    else this.#current = socket
    socket.on('message', (data) => this.#onFrame(socket, String(data)))
    socket.on('error', (error) => {
      logger.warn({ error: error.message }, '[EventSub] WebSocket error')
    })
    socket.on('close', (code) => this.#onClose(socket, code))
  }

  #onFrame(socket: WebSocket, text: string) {
    if (socket !== this.#current && socket !== this.#successor) return
    let frame: Frame
    try {
      frame = JSON.parse(text) as Frame
    } catch {
      logger.warn('[EventSub] unreadable WebSocket frame ignored')
      return
    }
    this.#heard()
    switch (frame.metadata?.message_type) {
      case 'session_welcome':
        return this.#welcomed(socket, frame)
      case 'session_keepalive':
        return
      case 'session_reconnect': {
        const reconnectUrl = frame.payload?.session?.reconnect_url
        if (reconnectUrl) this.#open(reconnectUrl, socket)
        return
      }
      case 'notification':
      case 'revocation':
        return this.#enqueue(frame)
    }
  }

  #welcomed(socket: WebSocket, frame: Frame) {
    const session = frame.payload?.session
    if (!session?.id) return
    if (session.keepalive_timeout_seconds)
      this.#watch.setKeepalive(session.keepalive_timeout_seconds)
    if (socket === this.#successor) {
      // A reconnect: same session, same shard; the old socket goes now.
      const old = this.#current
      this.#current = socket
      this.#successor = null
      old?.close(1000)
      logger.info('[EventSub] WebSocket session moved to its reconnect URL')
      return
    }
    this.#sessionId = session.id
    this.#attempt = 0
    void this.#attach(socket, session.id)
  }

  /** Puts the new session on our shard, trying again while the socket lives. */
  async #attach(socket: WebSocket, sessionId: string) {
    for (;;) {
      try {
        await this.keeper.attach(sessionId)
        return
      } catch (error) {
        logger.warn(
          { error: errorMessage(error) },
          '[EventSub] could not put our session on a shard'
        )
      }
      await sleep(1_000)
      if (this.#stopping || socket !== this.#current) return
    }
  }

  #onClose(socket: WebSocket, code: number) {
    if (socket === this.#successor) {
      // The reconnect failed: the old socket still serves until Twitch closes it.
      this.#successor = null
      return
    }
    if (socket !== this.#current) return
    if (this.#successor) {
      // Closed during a reconnect: the new URL carries the same session on.
      this.#current = this.#successor
      this.#successor = null
      return
    }
    this.#current = null
    this.#sessionId = null
    this.keeper.detach()
    if (this.#watchdog) clearTimeout(this.#watchdog)
    if (this.#stopping) return
    logger.warn(
      { code, reason: CLOSE_REASONS[code] ?? 'connection lost' },
      '[EventSub] WebSocket session closed; opening a new one'
    )
    const delay = reconnectDelay(this.settings.reconnectDelaysMs, this.#attempt++)
    this.#retry = setTimeout(() => this.start(), delay)
    this.#retry.unref()
  }

  /** Any frame proves the session alive; silence past the keepalive ends it. */
  #heard() {
    this.#watch.heard(this.clock.now())
    if (this.#watchdog) clearTimeout(this.#watchdog)
    this.#watchdog = setTimeout(() => {
      if (!this.#watch.isSilent(this.clock.now())) return this.#heard()
      logger.warn('[EventSub] no frame within the keepalive: the session is dead')
      this.#current?.terminate()
    }, this.#watch.toleranceMs + 1)
    this.#watchdog.unref()
  }

  /** A channel's frames are handled in order, each stored before its next; channels side by side. */
  #enqueue(frame: Frame) {
    const subscription = frame.payload?.subscription
    const lane = subscription?.condition?.broadcaster_user_id ?? subscription?.id ?? ''
    this.#lanes.push(String(lane), () => this.#handle(frame))
  }

  async #handle(frame: Frame) {
    const id = frame.metadata?.message_id
    const subscription = frame.payload?.subscription
    if (!id || !subscription || typeof subscription.id !== 'string') return
    const message = {
      id,
      type: frame.metadata!.message_type!,
      body: { subscription, event: frame.payload?.event },
    }
    // No answer goes back on a WebSocket: a frame whose effect could not be
    // stored now would be lost, so it is tried again (a twin handled
    // meanwhile elsewhere ends as already handled).
    for (let stoppingAttempts = 0; ;) {
      let outcome: EventSubOutcome
      try {
        outcome = await this.receiver.handle(message)
      } catch (error) {
        logger.error({ messageId: id, error: errorMessage(error) }, '[EventSub] frame failed')
        outcome = { kind: 'retry_later', reason: errorMessage(error) }
      }
      if (outcome.kind !== 'retry_later') return
      if (this.#stopping && ++stoppingAttempts >= ATTEMPTS_WHEN_STOPPING) {
        logger.error({ messageId: id }, '[EventSub] a frame could not be handled before stopping')
        return
      }
      await sleep(this.settings.handlingRetryMs)
    }
  }
}
