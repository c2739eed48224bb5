import { once } from 'node:events'
import { createServer } from 'node:net'
import { spawnApp, stripAnsi } from '#tests/helpers/child_process'

export interface WebInstance {
  /** Base URL of the instance, e.g. http://127.0.0.1:41234 */
  url: string
  /** Everything it printed so far (log lines, ANSI codes removed). */
  output(): string
  stop(): Promise<number | null>
}

/**
 * Starts another web process of the app (bin/server.ts) on a free port,
 * sharing this test run's database, Redis database and Twitch emulator
 * unless `overrides` point it elsewhere, and waits until it listens.
 */
export async function bootWebInstance(
  overrides: Record<string, string> = {}
): Promise<WebInstance> {
  const child = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
    ...overrides,
  })
  let output = ''
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web instance did not start:\n${output}`)),
      40_000
    )
    const onData = (chunk: Buffer) => {
      output += stripAnsi(chunk.toString())
      const match = output.match(/started HTTP server on ([\d.]+):(\d+)/)
      if (match) {
        clearTimeout(timer)
        resolve(`http://${match[1]}:${match[2]}`)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`web instance exited (${code}) before listening:\n${output}`))
    })
  })
  let url: string
  try {
    url = await listening
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
}

/**
 * A TCP port nothing listens on right now (the server logs the port it was
 * given, so it cannot be asked for "any port").
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}
