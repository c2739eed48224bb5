import { test } from '@japa/runner'
import { execFileSync } from 'node:child_process'

/**
 * Chorus carries its own Node 24 (the `node` dev dependency): every npm
 * script, the test runner and `npx node ace …` run on it, whatever the
 * machine's system Node is.
 */
function major(version: string) {
  return Number(version.replace(/^v/, '').split('.')[0])
}

test.group('Runtime', () => {
  test('the test runner runs on Node 24 or later', ({ assert }) => {
    assert.isAtLeast(major(process.version), 24)
  })

  test("`npx node` resolves to the project's Node 24, not the system one", ({ assert }) => {
    const version = execFileSync('npx', ['--no-install', 'node', '--version'], {
      encoding: 'utf8',
    }).trim()
    assert.isAtLeast(major(version), 24)
  })
})
