import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The web instance under test (bin/server.ts), in its own process with the
 * benchmark's environment (plus `overrides`: another PORT and APP_URL for a
 * second instance), once it answers on its APP_URL (see startBenchApp).
 */
export async function startWebInstance(overrides: Record<string, string> = {}) {
  const appUrl = overrides.APP_URL ?? process.env.APP_URL
  if (!appUrl) throw new Error('APP_URL is not set: start the app with webhooks')
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...overrides },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      await fetch(appUrl, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) throw new Error('the web instance did not start')
      await sleep(200)
    }
  }
  return {
    url: appUrl,
    /** SIGKILL by pid: the instance dies mid-work, as a crash would. */
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      process.kill(child.pid!, 'SIGKILL')
      await exited
    },
    /** CPU time the instance used so far, in ms (user + system, from /proc). */
    cpuMs() {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
      } catch {
        return Number.NaN
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

export type WebInstance = Awaited<ReturnType<typeof startWebInstance>>
