import app from '@adonisjs/core/services/app'
import type Streamer from '#models/streamer'
import { OverlayService } from '#services/overlays/overlay_service'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'
import type { OverlayMessage } from '#services/overlays/overlay_poll'
import { HttpSession } from '#tests/helpers/http_session'
import { resetRateLimits } from '#tests/helpers/rate_limits'
import { waitUntil } from '#tests/helpers/wait_until'

/** The streamer's overlay key and URL path (created on first use, as the dashboard does). */
export async function overlayOf(streamer: Streamer) {
  const overlays = await app.container.make(OverlayService)
  const link = await overlays.linkFor(streamer)
  return { ...link, path: `/overlay/${link.key}` }
}

/** Forgets every address's overlay request count. */
export async function clearOverlayLimits() {
  await resetRateLimits('overlay_')
}

/** Waits until every overlay delivery queued in this process is out. */
export async function overlaysSettled() {
  const broadcaster = await app.container.make(OverlayBroadcaster)
  await broadcaster.settled()
}

/**
 * What an overlay page does, without a browser: open the page (cookies),
 * hold Transmit's event stream, subscribe to the overlay's channel with the
 * key, and keep every message it hears.
 */
export class OverlayListener {
  readonly messages: { channel: string; payload: OverlayMessage }[] = []
  readonly uid = crypto.randomUUID()
  #abort = new AbortController()
  channel = ''

  constructor(
    readonly key: string,
    readonly session = new HttpSession()
  ) {}

  /** Loads the page (its channel, the cookies) and opens the event stream. */
  async open() {
    const page = await this.session.get(`/overlay/${this.key}`)
    const html = await page.text()
    if (page.status !== 200) throw new Error(`overlay page answered ${page.status}`)
    this.channel = html.match(/data-channel="([^"]+)"/)![1]
    const stream = await this.session.send(`/__transmit/events?uid=${this.uid}`, {
      method: 'GET',
      signal: this.#abort.signal,
    })
    void this.#read(stream.body!)
    return this
  }

  /** POST /__transmit/subscribe as the page's script does; answers the status. */
  async subscribe(options: { channel?: string; key?: string | null } = {}) {
    const xsrf = decodeURIComponent(this.session.cookies.get('XSRF-TOKEN') ?? '')
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-XSRF-TOKEN': xsrf,
    }
    const key = options.key === undefined ? this.key : options.key
    if (key !== null) headers['X-Overlay-Key'] = key
    const response = await this.session.send('/__transmit/subscribe', {
      method: 'POST',
      headers,
      body: JSON.stringify({ uid: this.uid, channel: options.channel ?? this.channel }),
    })
    return response.status
  }

  /** The polls heard so far. */
  polls() {
    return this.messages.flatMap(({ payload }) => (payload.type === 'poll' ? [payload.poll] : []))
  }

  waitFor(check: () => boolean, timeoutMs = 3000) {
    return waitUntil(check, timeoutMs)
  }

  close() {
    this.#abort.abort()
  }

  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true })
        let end = buffer.indexOf('\n\n')
        while (end !== -1) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          for (const line of frame.split('\n')) {
            if (!line.startsWith('data: ')) continue
            const data = JSON.parse(line.slice(6)) as { channel: string; payload: OverlayMessage }
            if (!data.channel.startsWith('$$transmit')) this.messages.push(data)
          }
          end = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // Closed by the test.
    }
  }
}
