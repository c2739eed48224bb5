import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface BalancerStats {
  /** Requests passed to each instance, by its index. */
  requests: number[]
  /** Each instance's webhook answer times in ms, as the balancer saw them. */
  webhookMs: number[][]
}

/**
 * Several web instances behind one address (balancer_process.ts, in a
 * process of its own): sticky on the session cookie, in turn otherwise.
 * `port` 0 picks a free one.
 */
export async function startBalancer(port: number, upstreamPorts: number[]) {
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(
    process.execPath,
    [
      '--import=@poppinss/ts-exec',
      'benchmarks/balancer_process.ts',
      `--port=${port}`,
      `--upstreams=${upstreamPorts.join(',')}`,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }
  )
  const ask = <T>(question: 'stats' | 'reset') =>
    new Promise<T>((resolve) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== question) return
        child.off('message', onMessage)
        resolve(message)
      }
      child.on('message', onMessage)
      child.send(question)
    })
  const [listening] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error('the balancer did not start')
    }),
  ])) as [{ port: number }]

  return {
    port: listening.port,
    url: `http://127.0.0.1:${listening.port}`,
    stats: () => ask<BalancerStats>('stats'),
    reset: () => ask<{}>('reset'),
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

export type Balancer = Awaited<ReturnType<typeof startBalancer>>
