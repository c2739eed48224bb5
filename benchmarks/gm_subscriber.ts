import { PassThrough } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApplicationService } from '@adonisjs/core/types'
import { Transmit } from '@boringnode/transmit'
import { transmitRedisTransport } from '#config/transmit'

interface Pending {
  at: number
  expected: number
}

interface ChannelWatch {
  seen: number
  /** Votes not seen yet, by the channel total that includes them, lowest first. */
  pending: Pending[]
}

/**
 * A GM's live results stream, as a benchmark sees it: what the run's
 * Transmit channel carries, through Redis, from the web instances. A vote
 * sent at `at` counts as seen once a pushed result shows its channel with a
 * total of at least `expected`; `latencies` holds those waits in ms.
 */
export class GmSubscriber {
  readonly latencies: number[] = []
  #channels = new Map<string, ChannelWatch>()
  #buffered = ''

  private constructor(private transmit: Transmit<unknown>) {}

  static async start(app: ApplicationService, runId: number, logins: string[]) {
    // The benchmark process is a console one (no transport in its config):
    // the subscriber listens on the web instances' Redis channel itself.
    const config = app.config.get<any>('transmit')
    const transmit = new Transmit<unknown>(
      { ...config, transport: transmitRedisTransport },
      transmitRedisTransport.driver()
    )
    const subscriber = new GmSubscriber(transmit)
    for (const login of logins) subscriber.#channels.set(login, { seen: 0, pending: [] })

    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => subscriber.#receive(chunk.toString(), performance.now()))
    transmit.createStream({
      uid: 'bench-gm',
      request: undefined as never,
      response: stream as never,
      context: {},
    })
    await transmit.subscribe({ uid: 'bench-gm', channel: `polls/runs/${runId}`, context: {} })
    // The Redis subscription settles before anything is measured.
    await sleep(300)
    return subscriber
  }

  /** A vote sent at `at` (performance.now()) that brings `login`'s total to `expected`. */
  expect(login: string, expected: number, at: number) {
    const watch = this.#channels.get(login)
    if (!watch) throw new Error(`not a channel of the run: ${login}`)
    if (watch.seen >= expected) {
      // Its result came before the caller knew what to expect.
      this.latencies.push(performance.now() - at)
      return
    }
    const index = watch.pending.findIndex((pending) => pending.expected > expected)
    watch.pending.splice(index === -1 ? watch.pending.length : index, 0, { at, expected })
  }

  /** Votes whose result was not seen (yet). */
  get unseen() {
    let count = 0
    for (const watch of this.#channels.values()) count += watch.pending.length
    return count
  }

  /** Waits until every vote was seen, or `timeoutMs` passed. */
  async settle(timeoutMs: number) {
    const deadline = performance.now() + timeoutMs
    while (this.unseen > 0 && performance.now() < deadline) await sleep(50)
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
      const snapshot = JSON.parse(line.slice(6))?.payload?.run
      if (!snapshot?.channels) continue
      for (const channel of snapshot.channels as { login: string; total: number }[]) {
        const watch = this.#channels.get(channel.login)
        if (!watch || channel.total <= watch.seen) continue
        watch.seen = channel.total
        while (watch.pending.length > 0 && watch.pending[0].expected <= channel.total) {
          this.latencies.push(at - watch.pending.shift()!.at)
        }
      }
    }
  }
}
