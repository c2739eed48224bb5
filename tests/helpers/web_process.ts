import { once } from 'node:events'
import { unusedPort } from '#tests/helpers/ports'
import { spawnApp, stripAnsi } from '#tests/helpers/child_process'

export interface WebProcess {
  /** Base URL the process listens on, e.g. http://127.0.0.1:41234 */
  url: string
  output(): string
  stop(): Promise<number | null>
}

/**
 * Boots the real web process (bin/server.ts) on a free port with the test
 * run's database, Redis and emulator, and resolves once it listens.
 * `overrides` are environment variables (e.g. NODE_ENV=development).
 */
export async function startWebProcess(overrides: Record<string, string> = {}): Promise<WebProcess> {
  // The server logs the port it was given, not the one it got: pick a free one first.
  const port = await unusedPort()
  const child = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    ...overrides,
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web process did not start:\n${output}`)),
      40_000
    )
    const onData = (chunk: Buffer) => {
      output += stripAnsi(chunk.toString())
      if (/started HTTP server/i.test(output)) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${port}`)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`web process exited (${code}) before listening:\n${output}`))
    })
  }).catch((error) => {
    child.kill('SIGKILL')
    throw error
  })
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
