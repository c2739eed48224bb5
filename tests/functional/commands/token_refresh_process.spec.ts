import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import Streamer from '#models/streamer'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { outputLines, runAce } from '#tests/helpers/child_process'
import {
  clearTokenRefreshKeys,
  connectedStreamer,
  refreshCalls,
} from '#tests/helpers/token_fixtures'

/**
 * The real command in its own process, as an operator runs it: its own app,
 * its own connections, the same database, Redis and emulator. Rows must be
 * committed for it to see them, so this group truncates instead of using a
 * global transaction.
 */
test.group('node ace token:refresh (real process)', (group) => {
  group.each.setup(() => testUtils.db().truncate())
  group.each.setup(async () => {
    await clearTokenRefreshKeys()
    return () => twitchEmulator.state.setLatency(0)
  })
  group.each.timeout(60_000)

  test('refreshes the due streamers, prints the report lines and exits 0', async ({ assert }) => {
    const now = DateTime.now()
    const dueA = await connectedStreamer({ tokenExpiresAt: now.plus({ minutes: 20 }) })
    const dueB = await connectedStreamer({ tokenExpiresAt: now.minus({ minutes: 1 }) })
    const fresh = await connectedStreamer({ tokenExpiresAt: now.plus({ hours: 5 }) })
    await connectedStreamer({ tokenExpiresAt: now, authorized: false })

    const run = await runAce(['token:refresh'])

    assert.equal(run.code, 0, run.stderr)
    const lines = outputLines(run.stdout)
    assert.includeMembers(lines, [
      'Streamers with active authorization: 3',
      'Total streamers: 3',
      'Success: 2',
      'Failed: 0',
      'Skipped: 1',
    ])
    for (const { streamer } of [dueA, dueB]) {
      assert.isTrue(lines.some((line) => line.startsWith(`- ${label(streamer)}: refreshed: `)))
    }
    assert.isTrue(lines.some((line) => line.startsWith(`- ${label(fresh.streamer)}: skipped: `)))
    assert.include(lines, `- ${label(dueB.streamer)} [expired] · ${ids(dueB.streamer)}`)

    for (const { streamer, twitchUser } of [dueA, dueB]) {
      assert.equal(refreshCalls(twitchUser.id), 1)
      const stored = await Streamer.findOrFail(streamer.id)
      assert.isAbove(stored.tokenExpiresAt!.toMillis(), now.plus({ hours: 3 }).toMillis())
      assert.notInclude(run.stdout + run.stderr, stored.accessToken!)
    }
  })

  test('exits 1 when a refresh fails', async ({ assert }) => {
    const { twitchUser } = await connectedStreamer({ tokenExpiresAt: DateTime.now() })
    twitchEmulator.state.failRefresh(twitchUser.id, { status: 400 })

    const run = await runAce(['token:refresh'])

    assert.equal(run.code, 1)
    assert.includeMembers(outputLines(run.stdout), [
      'Total streamers: 1',
      'Success: 0',
      'Failed: 1',
    ])
  })

  test('an unknown id: "Streamer not found: <id>", exit 1', async ({ assert }) => {
    const run = await runAce(['token:refresh', '424242'])

    assert.equal(run.code, 1)
    assert.include(run.stdout + run.stderr, 'Streamer not found: 424242')
  })

  test('two runs started together refresh each due streamer once, with zero failures', async ({
    assert,
  }) => {
    twitchEmulator.state.setLatency(100)
    const streamers = await Promise.all(
      Array.from({ length: 6 }, () =>
        connectedStreamer({ tokenExpiresAt: DateTime.now().plus({ minutes: 15 }) })
      )
    )

    const runs = await Promise.all([runAce(['token:refresh']), runAce(['token:refresh'])])

    for (const run of runs) {
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.include(outputLines(run.stdout), 'Failed: 0')
    }
    for (const { twitchUser } of streamers) {
      assert.equal(refreshCalls(twitchUser.id), 1)
    }
  })
})

function label(streamer: Streamer) {
  return `${streamer.twitchDisplayName} (${streamer.twitchLogin})`
}

function ids(streamer: Streamer) {
  return `id ${streamer.id}, Twitch user id ${streamer.twitchUserId}`
}
