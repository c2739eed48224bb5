import { test } from '@japa/runner'
import { once } from 'node:events'
import { spawnApp, stripAnsi } from '#tests/helpers/child_process'

/**
 * Boots the real web process (bin/server.ts) and reads its log until it
 * says `needle`, or until it has started without saying it.
 */
async function bootWebProcess(schedulerEnabled: boolean) {
  const child = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    SCHEDULER_ENABLED: String(schedulerEnabled),
    SCHEDULER_TIMEZONE: 'Europe/Paris',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
  })
  let output = ''
  const readyLine = schedulerEnabled
    ? /\[Scheduler\] Token refresh scheduler started/
    : /Chorus started on Node/
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web process did not start:\n${output}`)),
      40_000
    )
    const onData = (chunk: Buffer) => {
      output += stripAnsi(chunk.toString())
      // Ready: the server listens and the ready hooks (runtime line, scheduler) ran.
      if (/started HTTP server/i.test(output) && readyLine.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
  })
  try {
    await started
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    output: () => output,
    async stop() {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
}

test.group('Scheduler preload (web environment only)', (group) => {
  group.each.timeout(60_000)

  test('the web process starts the scheduler, logs it, and stops it on SIGTERM', async ({
    assert,
  }) => {
    const web = await bootWebProcess(true)
    const code = await web.stop()

    assert.include(web.output(), '[Scheduler] Token refresh scheduler started')
    assert.match(web.output(), /Chorus started on Node v(2[4-9]|[3-9]\d)\./)
    assert.equal(code, 0)
  })

  test('SCHEDULER_ENABLED=false leaves it off', async ({ assert }) => {
    const web = await bootWebProcess(false)
    await web.stop()

    assert.notInclude(web.output(), '[Scheduler]')
  })
})
