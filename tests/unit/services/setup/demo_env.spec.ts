import { test } from '@japa/runner'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseEnv } from 'node:util'
import webpush from 'web-push'
import { demoPorts, missingDemoValues, prepareDemoEnv } from '#services/setup/demo_env'

const TEMPLATE = new URL('../../../../.env.example', import.meta.url)

/** The demo's run environment: nothing from this test process leaks in. */
const NO_PROCESS_ENV = {}

test.group('npm run demo | preparing .env', (group) => {
  let dir: string
  let envFile: URL
  let template: URL
  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-demo-'))
    envFile = pathToFileURL(join(dir, '.env'))
    template = pathToFileURL(join(dir, '.env.example'))
    await copyFile(TEMPLATE, template)
    return () => rm(dir, { recursive: true, force: true })
  })

  test('a .env copied by hand from .env.example gets every missing secret; the template stays as it was', async ({
    assert,
  }) => {
    const original = await readFile(template, 'utf8')
    // Someone copies the template to change the ports.
    await writeFile(envFile, original.replace(/^PORT=3333$/m, 'PORT=4444'))

    const prepared = await prepareDemoEnv(envFile, template, NO_PROCESS_ENV)

    assert.isFalse(prepared.created)
    assert.sameMembers(prepared.added, [
      'APP_KEY',
      'VAPID_PUBLIC_KEY',
      'VAPID_PRIVATE_KEY',
      'TWITCH_EVENTSUB_SECRET',
    ])
    const env = parseEnv(await readFile(envFile, 'utf8'))
    assert.equal(env.PORT, '4444')
    assert.isAtLeast(env.APP_KEY!.length, 32)
    assert.match(env.TWITCH_EVENTSUB_SECRET!, /^[\x21-\x7e]{10,100}$/)
    // A pair web push accepts.
    assert.doesNotThrow(() =>
      webpush.setVapidDetails(env.VAPID_SUBJECT!, env.VAPID_PUBLIC_KEY!, env.VAPID_PRIVATE_KEY!)
    )
    assert.equal(prepared.env.APP_KEY, env.APP_KEY)
    assert.equal(await readFile(template, 'utf8'), original)
  })

  test('without a .env, it is created from the template with the secrets', async ({ assert }) => {
    const prepared = await prepareDemoEnv(envFile, template, NO_PROCESS_ENV)

    assert.isTrue(prepared.created)
    const env = parseEnv(await readFile(envFile, 'utf8'))
    assert.isAtLeast(env.APP_KEY!.length, 32)
    assert.isNotEmpty(env.VAPID_PUBLIC_KEY)
    assert.equal(env.REDIS_DB, '0')
  })

  test('values already set are kept; a second run adds nothing and changes nothing', async ({
    assert,
  }) => {
    await prepareDemoEnv(envFile, template, NO_PROCESS_ENV)
    const first = await readFile(envFile, 'utf8')

    const again = await prepareDemoEnv(envFile, template, NO_PROCESS_ENV)

    assert.deepEqual(again.added, [])
    assert.equal(await readFile(envFile, 'utf8'), first)
  })

  test('a value given by the process environment is not written; a lone VAPID half is replaced by a pair', async ({
    assert,
  }) => {
    const secrets = {
      appKey: () => 'k'.repeat(43),
      vapidKeys: () => ({ publicKey: 'pub', privateKey: 'priv' }),
      eventSubSecret: () => 'e'.repeat(48),
    }
    assert.deepEqual(
      missingDemoValues(
        { APP_KEY: 'set-elsewhere', VAPID_PUBLIC_KEY: 'half', TWITCH_EVENTSUB_SECRET: ' ' },
        secrets
      ),
      { VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv', TWITCH_EVENTSUB_SECRET: 'e'.repeat(48) }
    )

    const prepared = await prepareDemoEnv(envFile, template, { APP_KEY: 'k'.repeat(43) }, secrets)
    assert.notInclude(prepared.added, 'APP_KEY')
    assert.match(await readFile(envFile, 'utf8'), /^APP_KEY=$/m)
  })
})

test.group('npm run demo | ports', () => {
  const local = {
    PORT: '3333',
    APP_URL: 'http://localhost:3333',
    TWITCH_OAUTH_URL: 'http://127.0.0.1:3390/oauth2',
    TWITCH_HELIX_URL: 'http://127.0.0.1:3390/helix',
  }

  test('the web server listens on PORT, the emulator on the port of TWITCH_OAUTH_URL', ({
    assert,
  }) => {
    assert.deepEqual(demoPorts(local), { app: 3333, emulator: 3390, problems: [] })
    const moved = demoPorts({
      PORT: '4000',
      APP_URL: 'http://127.0.0.1:4000',
      TWITCH_OAUTH_URL: 'http://localhost:4090/oauth2',
      TWITCH_HELIX_URL: 'http://localhost:4090/helix',
    })
    assert.deepEqual(moved, { app: 4000, emulator: 4090, problems: [] })
  })

  test('Twitch on another host (real Twitch): no emulator', ({ assert }) => {
    const ports = demoPorts({
      ...local,
      TWITCH_OAUTH_URL: 'https://twitch.example.com/oauth2',
      TWITCH_HELIX_URL: 'https://twitch.example.com/helix',
    })
    assert.isNull(ports.emulator)
    assert.deepEqual(ports.problems, [])
  })

  test('contradicting settings stop the demo, each saying what to change', ({ assert }) => {
    const ports = demoPorts({
      ...local,
      APP_URL: 'http://localhost:3334',
      TWITCH_HELIX_URL: 'http://127.0.0.1:3391/helix',
      TWITCH_EMULATOR_PORT: '3500',
    })
    assert.lengthOf(ports.problems, 3)
    assert.match(ports.problems[0], /^APP_URL \(http:\/\/localhost:3334\) does not use PORT 3333/)
    assert.match(ports.problems[1], /^TWITCH_EMULATOR_PORT is not read/)
    assert.match(ports.problems[2], /^TWITCH_HELIX_URL .* different ports/)

    const socket = demoPorts({ ...local, TWITCH_EVENTSUB_WS_URL: 'ws://127.0.0.1:3399/ws' })
    assert.lengthOf(socket.problems, 1)
    assert.match(socket.problems[0], /^TWITCH_EVENTSUB_WS_URL .* different ports/)

    const clash = demoPorts({ ...local, PORT: '3390', APP_URL: 'http://localhost:3390' })
    assert.match(clash.problems[0], /both want port 3390/)
  })
})
