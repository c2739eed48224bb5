import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import Streamer from '#models/streamer'
import { StreamerFactory } from '#database/factories/streamer_factory'

/**
 * Ciphertexts written by the AdonisJS 6 encryption (tests/fixtures, made with
 * the test APP_KEY before the upgrade): stored tokens must stay readable.
 */
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/legacy_encryption.json', import.meta.url), 'utf8')
) as { key: string; made_with: string; samples: { plaintext: string; ciphertext: string }[] }

test.group('Tokens encrypted before the upgrade', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the fixture was made with AdonisJS 6 and the test key', ({ assert }) => {
    assert.match(fixture.made_with, /@adonisjs\/core 6\./)
    assert.equal(fixture.key, env.get('APP_KEY'))
    assert.lengthOf(fixture.samples, 3)
  })

  test('a stored legacy token pair decrypts: {plaintext}')
    .with(fixture.samples)
    .run(async ({ assert }, sample) => {
      const streamer = await StreamerFactory.with('user').create()
      await db.from('streamers').where('id', streamer.id).update({
        access_token_encrypted: sample.ciphertext,
        refresh_token_encrypted: sample.ciphertext,
      })

      const reloaded = await Streamer.findOrFail(streamer.id)
      assert.equal(reloaded.accessToken, sample.plaintext)
      assert.equal(reloaded.refreshToken, sample.plaintext)
    })

  test('new tokens are written with the current driver, not the legacy format', async ({
    assert,
  }) => {
    const streamer = await StreamerFactory.with('user').create()
    streamer.setTokens({ accessToken: 'fresh-access', refreshToken: 'fresh-refresh' })
    await streamer.save()

    const row = await db.from('streamers').where('id', streamer.id).firstOrFail()
    assert.match(row.access_token_encrypted, /^chacha\./)
    assert.match(row.refresh_token_encrypted, /^chacha\./)
    const reloaded = await Streamer.findOrFail(streamer.id)
    assert.equal(reloaded.accessToken, 'fresh-access')
  })

  test('a tampered legacy ciphertext reads as no token, not as garbage', async ({ assert }) => {
    const streamer = await StreamerFactory.with('user').create()
    const tampered = fixture.samples[0].ciphertext.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    await db.from('streamers').where('id', streamer.id).update({ access_token_encrypted: tampered })

    const reloaded = await Streamer.findOrFail(streamer.id)
    assert.isNull(reloaded.accessToken)
  })
})
