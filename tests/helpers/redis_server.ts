import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { freePort } from '#tests/helpers/web_instance'

const run = promisify(execFile)

/**
 * A Redis server of the test's own, on a free port, that the test may stop
 * and start again (never the shared one every other test uses).
 */
export class DisposableRedis {
  private constructor(readonly port: number) {}

  static async start() {
    const redis = new DisposableRedis(await freePort())
    await redis.start()
    return redis
  }

  async start() {
    await run('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
    ])
    await this.#waitFor(() => this.ping())
  }

  async stop() {
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']).catch(() => {})
    await this.#waitFor(async () => !(await this.ping()))
  }

  async ping() {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(this.port), 'ping'])
      return stdout.trim() === 'PONG'
    } catch {
      return false
    }
  }

  async #waitFor(condition: () => Promise<boolean>) {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await condition()) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`redis on port ${this.port} did not change state`)
  }
}
