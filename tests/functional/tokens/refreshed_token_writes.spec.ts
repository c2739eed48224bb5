import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Streamer from '#models/streamer'
import { RefreshedTokenWrites } from '#services/tokens/refreshed_token_writes'
import { startQueryCounter } from '#tests/helpers/query_counter'
import { connectedStreamer, tokenTestGroup } from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

test.group('Refreshed tokens: batched writes', (group) => {
  tokenTestGroup(group, NOW)

  test('writes asked for together go out in one UPDATE, each row with its own tokens', async ({
    assert,
  }) => {
    const streamers: Streamer[] = []
    for (let i = 0; i < 3; i++) {
      const { streamer } = await connectedStreamer({
        now: NOW,
        tokenRefreshFailedAt: NOW.minus({ hours: 2 }),
      })
      streamers.push(streamer)
    }
    streamers.forEach((streamer, index) => {
      streamer.setTokens({ accessToken: `access-${index}`, refreshToken: `refresh-${index}` })
      streamer.tokenExpiresAt = NOW.plus({ hours: 4, minutes: index })
      streamer.lastTokenRefreshAt = NOW
      streamer.tokenRefreshFailedAt = null
      streamer.scopes = [`scope:${index}`]
      streamer.updatedAt = NOW
    })
    const writes = new RefreshedTokenWrites()

    const counter = startQueryCounter()
    await Promise.all(streamers.map((streamer) => writes.save(streamer)))
    counter.stop()

    assert.deepEqual(
      counter.statements.map((sql) => sql.trim().split(/\s/)[0].toLowerCase()),
      ['update']
    )
    for (const [index, streamer] of streamers.entries()) {
      assert.isFalse(streamer.$isDirty, 'the model counts as saved')
      const stored = await Streamer.findOrFail(streamer.id)
      assert.equal(stored.accessToken, `access-${index}`)
      assert.equal(stored.refreshToken, `refresh-${index}`)
      assert.equal(
        stored.tokenExpiresAt!.toMillis(),
        NOW.plus({ hours: 4, minutes: index }).toMillis()
      )
      assert.equal(stored.lastTokenRefreshAt!.toMillis(), NOW.toMillis())
      assert.isNull(stored.tokenRefreshFailedAt)
      assert.deepEqual(stored.scopes, [`scope:${index}`])
    }
  })

  test('a write asked for while one is on its way waits for it, then goes out', async ({
    assert,
  }) => {
    const { streamer: first } = await connectedStreamer({ now: NOW })
    const { streamer: second } = await connectedStreamer({ now: NOW })
    const writes = new RefreshedTokenWrites()
    first.setTokens({ accessToken: 'first-access' })
    second.setTokens({ accessToken: 'second-access' })

    const counter = startQueryCounter()
    const firstSaved = writes.save(first)
    // The first statement is on its way once the event loop turned.
    await new Promise((resolve) => setImmediate(resolve))
    const secondSaved = writes.save(second)
    await Promise.all([firstSaved, secondSaved])
    counter.stop()

    assert.lengthOf(counter.statements, 2)
    const stored = await Streamer.query().whereIn('id', [first.id, second.id]).orderBy('id')
    assert.deepEqual(
      stored.map((streamer) => streamer.accessToken),
      ['first-access', 'second-access']
    )
  })
})
