import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DateTime } from 'luxon'
import { formatMoment } from '#services/time/moment_format'

const VIEWS = fileURLToPath(new URL('../../../../resources/views', import.meta.url))
const COMPONENT = join('components', 'campaigns', 'local_time.edge')

async function edgeFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? edgeFiles(join(directory, entry.name)) : [join(directory, entry.name)]
    )
  )
  return nested.flat().filter((file) => file.endsWith('.edge'))
}

test.group('Dates: one format', () => {
  test('a DateTime in any zone, a Date and an ISO string read the same, in UTC', ({ assert }) => {
    const expected = { iso: '2026-11-30T18:39:00.000Z', text: 'Mon 30 Nov, 18:39 UTC' }
    assert.deepEqual(
      formatMoment(DateTime.fromISO('2026-11-30T19:39:00', { zone: 'Europe/Paris' })),
      expected
    )
    assert.deepEqual(formatMoment(new Date('2026-11-30T18:39:00Z')), expected)
    assert.deepEqual(formatMoment('2026-11-30T13:39:00.000-05:00'), expected)
  })

  test('no view writes a date itself: every one goes through the local_time component', async ({
    assert,
  }) => {
    for (const file of await edgeFiles(VIEWS)) {
      if (file.endsWith(COMPONENT)) continue
      const source = await readFile(file, 'utf8')
      assert.notMatch(source, /toFormat\(|toLocale\w*\(|data-local-time|<time[\s>]/, file)
    }
  })
})
