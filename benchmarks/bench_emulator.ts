import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { mapWithConcurrency } from '#services/concurrency'

export interface BenchTokens {
  twitchUserId: string
  login: string
  accessToken: string
  refreshToken: string
}

/** A subscription as the control API lists it. */
export interface BenchSubscription {
  type: string
  status: string
}

export interface BenchStats {
  counts: Record<string, number>
  failures: Record<string, number>
  deliveries: Record<string, number>
}

/**
 * The project's Twitch emulator in a process of its own (so its work and
 * memory do not count as the app's), driven through its control API.
 */
export class BenchEmulator {
  private constructor(
    private child: ChildProcess,
    readonly url: string
  ) {}

  static async start(options: { latencyMs: number; clientId: string; clientSecret: string }) {
    const root = fileURLToPath(new URL('../', import.meta.url))
    const child = spawn(
      process.execPath,
      [
        '--import=@poppinss/ts-exec',
        'emulator/main.ts',
        '--port=0',
        `--latency=${options.latencyMs}`,
        `--client-id=${options.clientId}`,
        `--client-secret=${options.clientSecret}`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
    )
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      child.once('exit', (code) => reject(new Error(`emulator exited (${code}):\n${output}`)))
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = output.match(/listening on (http:\/\/\S+)/)
        if (match) resolve(match[1])
      })
    })
    child.stdout!.resume()
    return new BenchEmulator(child, url)
  }

  get oauthUrl() {
    return `${this.url}/oauth2`
  }

  get helixUrl() {
    return `${this.url}/helix`
  }

  /**
   * `count` users with tokens, as if each had signed in. Affiliates unless
   * `broadcasterType` says otherwise (`''`: a channel that cannot run polls).
   */
  /** The emulator's EventSub WebSocket (conduit shards connect there). */
  get websocketUrl() {
    return `${this.url.replace(/^http/, 'ws')}/ws`
  }

  async connectUsers(
    count: number,
    prefix: string,
    broadcasterType?: string
  ): Promise<BenchTokens[]> {
    const indexes = Array.from({ length: count }, (_, index) => index)
    return mapWithConcurrency(indexes, 32, async (index) => {
      const login = `${prefix}_${String(index).padStart(6, '0')}`
      const { data: user } = await this.post<{ data: { id: string } }>('/users', {
        login,
        broadcasterType,
      })
      const tokens = await this.post<{ accessToken: string; refreshToken: string }>(
        `/users/${user.id}/tokens`
      )
      return { twitchUserId: user.id, login, ...tokens }
    })
  }

  /** Calls per stat key, failed ones, and EventSub sends (see emulator/README.md). */
  stats(): Promise<BenchStats> {
    return this.get<BenchStats>('/stats')
  }

  async refreshCalls(): Promise<{ calls: number; failures: number }> {
    const stats = await this.stats()
    return {
      calls: stats.counts['token.refresh_token'],
      failures: stats.failures['token.refresh_token'],
    }
  }

  /** Users, tokens and stats back to the start (the latency stays as started). */
  async reset() {
    await this.post('/reset')
  }

  /**
   * Waits until at least `count` of the subscriptions `wanted` picks are
   * enabled (the web instance subscribes at boot); the time it took, in ms.
   */
  async waitForSubscriptions(
    count: number,
    wanted: (subscription: BenchSubscription) => boolean = () => true
  ): Promise<number> {
    const started = performance.now()
    for (;;) {
      const { data } = await this.get<{ data: BenchSubscription[] }>('/eventsub/subscriptions')
      const enabled = data.filter(
        (subscription) => subscription.status === 'enabled' && wanted(subscription)
      )
      if (enabled.length >= count) {
        return performance.now() - started
      }
      if (performance.now() - started > 60_000) {
        throw new Error(`only ${enabled.length}/${count} subscriptions enabled after 60 s`)
      }
      await sleep(200)
    }
  }

  async stop() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    await exited
  }

  /** A control route read: `path` under /_emulator. */
  get<T>(path: string): Promise<T> {
    return this.#control<T>('GET', path)
  }

  /** A control route call: `path` under /_emulator, `body` as JSON. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#control<T>('POST', path, body)
  }

  async #control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_emulator${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    })
    if (!response.ok) {
      throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`)
    }
    return (await response.json()) as T
  }
}
