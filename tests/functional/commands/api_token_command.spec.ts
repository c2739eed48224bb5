import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { connectedStreamer } from '#tests/helpers/campaigns'
import { outputLines, runAce } from '#tests/helpers/child_process'
import { apiCall, apiTestSetup } from '#tests/helpers/api'
import { SEEDED } from '#tests/helpers/polls'

/**
 * `node ace api:token <twitch_login> [--name=…]`, run as operators run it:
 * a child process on this run's database.
 */
test.group('Command: api:token', (group) => {
  apiTestSetup(group)

  test('prints a working token alone on its last line, named after --name', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.dorian)

    const run = await runAce(['api:token', 'Dorian_DM', '--name=Foundry macro'])

    assert.equal(run.code, 0, run.stderr)
    const lines = outputLines(run.stdout).filter((line) => line !== '')
    const token = lines.at(-1)!
    assert.match(token, /^chorus_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    const me = await apiCall(client, 'get', '/api/v1/me', token)
    me.assertStatus(200)
    assert.equal(me.body().twitch_login, 'dorian_dm')
    assert.equal(me.body().id, streamer.userId)

    const row = await db.from('auth_access_tokens').firstOrFail()
    assert.equal(row.name, 'Foundry macro')
    assert.isNull(row.expires_at)
  })

  test('boot warnings of the app go to stderr: nothing the logger writes can follow the token', async ({
    client,
    assert,
  }) => {
    await connectedStreamer(SEEDED.dorian)

    // Without VAPID keys the push provider warns at boot, from pino's worker
    // thread, whenever it gets to it: on stdout it could land after the token.
    const run = await runAce(['api:token', 'dorian_dm'], {
      VAPID_PUBLIC_KEY: '',
      VAPID_PRIVATE_KEY: '',
      LOG_LEVEL: 'info',
    })

    assert.equal(run.code, 0, run.stderr)
    assert.notInclude(run.stdout, 'VAPID keys are not set')
    assert.include(run.stderr, 'VAPID keys are not set')
    const token = outputLines(run.stdout)
      .filter((line) => line !== '')
      .at(-1)!
    assert.match(token, /^chorus_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    const me = await apiCall(client, 'get', '/api/v1/me', token)
    me.assertStatus(200)
  })

  test('an unknown login fails with a clear message and exit code 1, and makes nothing', async ({
    assert,
  }) => {
    await connectedStreamer(SEEDED.dorian)

    const run = await runAce(['api:token', 'nobody_here'])

    assert.equal(run.code, 1)
    assert.include(
      run.stderr + run.stdout,
      'No Chorus user has signed in with the Twitch login "nobody_here".'
    )
    const count = await db.from('auth_access_tokens').count('* as total').firstOrFail()
    assert.equal(Number(count.total), 0)
  })
})
