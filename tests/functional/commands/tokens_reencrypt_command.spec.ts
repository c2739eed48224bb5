import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import db from '@adonisjs/lucid/services/db'
import Streamer from '#models/streamer'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { runAce } from '#tests/helpers/child_process'

/** Ciphertexts written by the AdonisJS 6 encryption with the test APP_KEY. */
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/legacy_encryption.json', import.meta.url), 'utf8')
) as { samples: { plaintext: string; ciphertext: string }[] }
const [access, refresh] = fixture.samples

async function legacyStreamer() {
  const streamer = await StreamerFactory.with('user').create()
  await db.from('streamers').where('id', streamer.id).update({
    access_token_encrypted: access.ciphertext,
    refresh_token_encrypted: refresh.ciphertext,
  })
  return streamer
}

async function storedRow(id: number) {
  return db.from('streamers').where('id', id).firstOrFail()
}

test.group('Legacy-encrypted tokens find their way out', (group) => {
  group.each.setup(() => emptyDatabase())

  test('tokens:reencrypt rewrites every legacy token in the current format, once', async ({
    assert,
  }) => {
    const legacy = await legacyStreamer()
    const current = await StreamerFactory.with('user').create()
    const before = await storedRow(current.id)

    const first = await runAce(['tokens:reencrypt'])

    assert.equal(first.code, 0, first.stderr)
    assert.include(first.stdout, 'Checked 2 streamers: 2 tokens rewritten in the current format')
    const row = await storedRow(legacy.id)
    assert.match(row.access_token_encrypted, /^chacha\./)
    assert.match(row.refresh_token_encrypted, /^chacha\./)
    const reloaded = await Streamer.findOrFail(legacy.id)
    assert.equal(reloaded.accessToken, access.plaintext)
    assert.equal(reloaded.refreshToken, refresh.plaintext)
    // Tokens already in the current format are left as they are.
    const untouched = await storedRow(current.id)
    assert.equal(untouched.access_token_encrypted, before.access_token_encrypted)

    const second = await runAce(['tokens:reencrypt'])
    assert.equal(second.code, 0, second.stderr)
    assert.include(second.stdout, 'Checked 2 streamers: 0 tokens rewritten in the current format')
  })

  test('a refresh that keeps the refresh token rewrites it in the current format too', async ({
    assert,
  }) => {
    const legacy = await legacyStreamer()
    const streamer = await Streamer.findOrFail(legacy.id)

    // Twitch did not send a new refresh token back.
    streamer.setTokens({ accessToken: 'new-access', refreshToken: null })
    await streamer.save()

    const row = await storedRow(legacy.id)
    assert.match(row.access_token_encrypted, /^chacha\./)
    assert.match(row.refresh_token_encrypted, /^chacha\./)
    const reloaded = await Streamer.findOrFail(legacy.id)
    assert.equal(reloaded.accessToken, 'new-access')
    assert.equal(reloaded.refreshToken, refresh.plaintext)
  })
})
