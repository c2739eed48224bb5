import { test } from '@japa/runner'
import { readFileSync, readdirSync } from 'node:fs'

/**
 * docs/architecture.md is where a newcomer finds their way: every service
 * folder and every provider must be on it, so adding one without saying
 * what it holds fails here.
 */
const ROOT = new URL('../../../', import.meta.url)
const page = readFileSync(new URL('docs/architecture.md', ROOT), 'utf8')

function entries(folder: string, kind: 'folders' | 'files') {
  return readdirSync(new URL(folder, ROOT), { withFileTypes: true })
    .filter((entry) => (kind === 'folders' ? entry.isDirectory() : entry.isFile()))
    .map((entry) => entry.name)
}

test.group('docs/architecture.md', () => {
  test('names every folder under app/services', ({ assert }) => {
    const folders = entries('app/services/', 'folders')
    assert.isAbove(folders.length, 10)
    const missing = folders.filter((name) => !page.includes(`\`app/services/${name}/\``))
    assert.deepEqual(missing, [], 'service folders missing from docs/architecture.md')
  })

  test('names every file of providers/', ({ assert }) => {
    const files = entries('providers/', 'files')
    assert.isAbove(files.length, 3)
    const missing = files.filter((name) => !page.includes(`\`providers/${name}\``))
    assert.deepEqual(missing, [], 'providers missing from docs/architecture.md')
  })

  test('tells the four paths a newcomer asks about', ({ assert }) => {
    for (const path of [
      'Where a token is refreshed.',
      'Who deactivates a streamer.',
      'How a chat vote reaches an overlay.',
      'Where a webhook is verified.',
    ]) {
      assert.include(page, `**${path}**`)
    }
  })
})
