import { once } from 'node:events'
import { unusedPort } from '#tests/helpers/ports'
import { spawnApp, stripAnsi } from '#tests/helpers/child_process'

export interface WebInstance {
  /** Base URL of the instance, e.g. http://127.0.0.1:41234 */
  url: string
  port: number
  /** Everything it printed so far (log lines, ANSI codes removed). */
  output(): string
  stop(): Promise<number | null>
  /** SIGKILL by pid: the instance dies mid-work, as a crash would; resolved once it is gone. */
  kill(): Promise<void>
}

/**
 * Starts another web process of the app (bin/server.ts) on a free port,
 * sharing this test run's database, Redis database and Twitch emulator
 * unless `overrides` point it elsewhere (`PORT` included), and waits until
 * it is ready: listening, with its preloads (scheduler, EventSub) started.
 */
export async function bootWebInstance(
  overrides: Record<string, string> = {}
): Promise<WebInstance> {
  // The server logs the port it was given, not the one it got: pick a free one first.
  const port = Number(overrides.PORT ?? (await unusedPort()))
  const child = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
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
      if (/Chorus started on Node/.test(output)) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${port}`)
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
    port,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      process.kill(child.pid!, 'SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
}
