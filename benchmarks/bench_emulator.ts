import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mapWithConcurrency } from '#services/concurrency'

export interface BenchTokens {
  twitchUserId: string
  login: string
  accessToken: string
  refreshToken: string
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
   * `count` users with tokens, as if each had signed in.
   */
  async connectUsers(count: number, prefix: string): Promise<BenchTokens[]> {
    const indexes = Array.from({ length: count }, (_, index) => index)
    return mapWithConcurrency(indexes, 32, async (index) => {
      const login = `${prefix}_${String(index).padStart(6, '0')}`
      const { data: user } = await this.#control<{ data: { id: string } }>('/users', { login })
      const tokens = await this.#control<{ accessToken: string; refreshToken: string }>(
        `/users/${user.id}/tokens`
      )
      return { twitchUserId: user.id, login, ...tokens }
    })
  }

  async refreshCalls(): Promise<{ calls: number; failures: number }> {
    const stats = await this.#control<{
      counts: Record<string, number>
      failures: Record<string, number>
    }>('/stats', undefined, 'GET')
    return {
      calls: stats.counts['token.refresh_token'],
      failures: stats.failures['token.refresh_token'],
    }
  }

  /** Users, tokens and stats back to the start (the latency stays as started). */
  async reset() {
    await this.#control('/reset')
  }

  async stop() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    await exited
  }

  async #control<T>(path: string, body?: unknown, method = 'POST'): Promise<T> {
    const response = await fetch(`${this.url}/_emulator${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    })
    if (!response.ok) {
      throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`)
    }
    return (await response.json()) as T
  }
}
