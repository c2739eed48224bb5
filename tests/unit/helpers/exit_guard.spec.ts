import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const FIXTURE = fileURLToPath(new URL('../../fixtures/held_process.ts', import.meta.url))

async function runFixture(...args: string[]) {
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', FIXTURE, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stderr }
}

/**
 * `node ace test` arms this guard before the app terminates (bin/test.ts):
 * the run ends even if a test left a timer or a socket open, and says what.
 */
test.group('Test runner: the exit guard', () => {
  test('a process held by a forgotten timer still ends, naming what held it, with the tests’ exit code', async ({
    assert,
  }) => {
    const { code, stderr } = await runFixture('hold')
    assert.equal(code, 3)
    assert.include(stderr, 'still alive 0.2 s after the tests ended')
    assert.include(stderr, 'Timeout')
  })

  test('a process that ends by itself is not held by the guard, and says nothing', async ({
    assert,
  }) => {
    const { code, stderr } = await runFixture()
    assert.equal(code, 3)
    assert.notInclude(stderr, 'still alive')
  })
})
