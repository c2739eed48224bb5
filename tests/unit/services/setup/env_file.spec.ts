import { test } from '@japa/runner'
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { writeEnvValues } from '#services/setup/env_file'

test.group('writeEnvValues', (group) => {
  let dir: string
  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-env-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  test('replaces a value in place and keeps comments and the final newline', async ({ assert }) => {
    const file = pathToFileURL(join(dir, '.env'))
    await writeFile(file, '# keys\nVAPID_PUBLIC_KEY=\nPORT=3333\n# end\n')

    await writeEnvValues(file, { VAPID_PUBLIC_KEY: 'pub$&1' })

    assert.equal(
      await readFile(file, 'utf8'),
      '# keys\nVAPID_PUBLIC_KEY=pub$&1\nPORT=3333\n# end\n'
    )
  })

  test('appends a missing variable, on its own line', async ({ assert }) => {
    const file = pathToFileURL(join(dir, '.env'))
    await writeFile(file, 'PORT=3333')

    await writeEnvValues(file, { VAPID_PRIVATE_KEY: 'priv' })

    assert.equal(await readFile(file, 'utf8'), 'PORT=3333\nVAPID_PRIVATE_KEY=priv\n')
  })

  test('touches no other file next to it (the tracked template stays byte for byte)', async ({
    assert,
  }) => {
    const example = join(dir, '.env.example')
    await writeFile(example, 'VAPID_PUBLIC_KEY=\nVAPID_PRIVATE_KEY=\n')
    await writeFile(join(dir, '.env'), 'VAPID_PUBLIC_KEY=\n')

    await writeEnvValues(pathToFileURL(join(dir, '.env')), {
      VAPID_PUBLIC_KEY: 'a',
      VAPID_PRIVATE_KEY: 'b',
    })

    assert.equal(await readFile(example, 'utf8'), 'VAPID_PUBLIC_KEY=\nVAPID_PRIVATE_KEY=\n')
  })
})
