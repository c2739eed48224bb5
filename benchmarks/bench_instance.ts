import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { unusedPort } from '#tests/helpers/ports'
import { startBalancer } from './bench_balancer.js'
import { percentile } from './bench_report.js'

/**
 * The web instance under test (bin/server.ts), in its own process with the
 * benchmark's environment plus `overrides` (another PORT, and APP_URL when
 * it is not behind the benchmark's address), once it answers on its own
 * port (PORT: APP_URL's, see startBenchApp).
 */
export async function startWebInstance(overrides: Record<string, string> = {}) {
  if (!(overrides.APP_URL ?? process.env.APP_URL)) {
    throw new Error('APP_URL is not set: start the app with webhooks, or give the instance its own')
  }
  const port = Number(overrides.PORT ?? process.env.PORT)
  const url = `http://127.0.0.1:${port}`
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...overrides },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) throw new Error('the web instance did not start')
      await sleep(200)
    }
  }
  return {
    /** Where this very instance answers. */
    url,
    /** SIGKILL by pid: the instance dies mid-work, as a crash would. */
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      process.kill(child.pid!, 'SIGKILL')
      await exited
    },
    /** CPU time the instance used so far, in ms (user + system, from /proc). */
    cpuMs() {
      return cpuMsOf(child.pid)
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

/** CPU time process `pid` used so far, in ms (user + system, from /proc). */
export function cpuMsOf(pid: number | undefined) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}

/**
 * `count` web instances behind one address, PORT (APP_URL's, where the
 * emulator sends its webhooks): with one, the instance itself; with more,
 * a balancer (bench_balancer.ts) in front of instances on ports of their
 * own. Used as one instance (`cpuMs`, `stop`); `perInstance()` gives each
 * one's share since `reset()`.
 */
export async function startWebInstances(count: number) {
  if (count <= 1) {
    const instance = await startWebInstance()
    return { ...instance, count: 1, reset: async () => {}, perInstance: async () => [] }
  }
  const ports = await Promise.all(Array.from({ length: count }, () => unusedPort()))
  // First the address: the instances subscribe at boot, and Twitch checks
  // the callback at once.
  const balancer = await startBalancer(Number(process.env.PORT), ports)
  let instances: WebInstance[]
  try {
    instances = await Promise.all(ports.map((port) => startWebInstance({ PORT: String(port) })))
  } catch (error) {
    await balancer.stop()
    throw error
  }
  let cpuBefore = instances.map((instance) => instance.cpuMs())
  return {
    count,
    cpuMs: () => instances.reduce((sum, instance) => sum + instance.cpuMs(), 0),
    async reset() {
      await balancer.reset()
      cpuBefore = instances.map((instance) => instance.cpuMs())
    },
    /** Per instance since `reset()`: webhook answers (count, p95 as the balancer saw them), CPU. */
    async perInstance() {
      const stats = await balancer.stats()
      return instances.map((instance, index) => ({
        requests: stats.requests[index],
        webhooks: stats.webhookMs[index].length,
        webhookP95Ms: percentile(stats.webhookMs[index], 95),
        cpuMs: instance.cpuMs() - cpuBefore[index],
      }))
    },
    async stop() {
      await balancer.stop()
      await Promise.all(instances.map((instance) => instance.stop()))
    },
  }
}

export type WebInstances = Awaited<ReturnType<typeof startWebInstances>>
