import { PassThrough } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApplicationService } from '@adonisjs/core/types'
import { Transmit } from '@boringnode/transmit'
import { transmitRedisTransport } from '#config/transmit'

export interface Heard {
  channel: string
  payload: any
  /** performance.now() when it arrived. */
  at: number
}

/**
 * What some Transmit channels carry, as a page subscribed to them would
 * hear it, through the web instances' Redis transport: every message with
 * the time it arrived (a GM's run page, overlays).
 */
export class TransmitWatch {
  readonly heard: Heard[] = []
  #buffered = ''

  private constructor(private transmit: Transmit<unknown>) {}

  static async start(app: ApplicationService, channels: string[]) {
    // The benchmark process is a console one (no transport in its config).
    const config = app.config.get<any>('transmit')
    const transmit = new Transmit<unknown>(
      { ...config, transport: transmitRedisTransport },
      transmitRedisTransport.driver()
    )
    const watch = new TransmitWatch(transmit)
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => watch.#receive(chunk.toString(), performance.now()))
    transmit.createStream({
      uid: 'bench-watch',
      request: undefined as never,
      response: stream as never,
      context: {},
    })
    for (const channel of channels) {
      await transmit.subscribe({ uid: 'bench-watch', channel, context: {} })
    }
    // The Redis subscription settles before anything is measured.
    await sleep(300)
    return watch
  }

  /** The first message on `channel` since `since` that `wanted` picks, or undefined. */
  first(channel: string, since: number, wanted: (payload: any) => boolean = () => true) {
    return this.heard.find(
      (heard) => heard.channel === channel && heard.at >= since && wanted(heard.payload)
    )
  }

  /** Waits until `done` holds, or `timeoutMs` passed. */
  async until(done: () => boolean, timeoutMs: number) {
    const deadline = performance.now() + timeoutMs
    while (!done() && performance.now() < deadline) await sleep(10)
  }

  async stop() {
    await this.transmit.shutdown().catch(() => {})
  }

  #receive(chunk: string, at: number) {
    this.#buffered += chunk
    const lines = this.#buffered.split('\n')
    this.#buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue
      const data = JSON.parse(line.slice(6))
      if (data?.channel) this.heard.push({ channel: data.channel, payload: data.payload, at })
    }
  }
}
