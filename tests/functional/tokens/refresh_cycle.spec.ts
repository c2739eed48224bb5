import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { DateTime } from 'luxon'
import Streamer from '#models/streamer'
import { RefreshCycle } from '#services/tokens/refresh_cycle'
import { RefreshSelection } from '#services/tokens/refresh_selection'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { startQueryCounter } from '#tests/helpers/query_counter'
import {
  connectedStreamer,
  refreshCalls,
  tokenTestGroup,
  useFastSettings,
} from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

test.group('Refresh cycle over keyset pages', (group) => {
  tokenTestGroup(group, NOW)

  test('the selection comes in pages of the configured size, in id order, each streamer once', async ({
    assert,
  }) => {
    useFastSettings({ pageSize: 2 })
    const authorized = []
    for (let i = 0; i < 5; i++) {
      const { streamer } = await connectedStreamer({ now: NOW })
      authorized.push(streamer.id)
    }
    await connectedStreamer({ now: NOW, authorized: false })
    await connectedStreamer({ now: NOW, isActive: false })
    const selection = await app.container.make(RefreshSelection)

    const pages: number[][] = []
    for await (const page of selection.withActiveAuthorization()) {
      pages.push(page.map((streamer) => streamer.id))
    }

    assert.deepEqual(pages, [authorized.slice(0, 2), authorized.slice(2, 4), authorized.slice(4)])
    assert.equal(await selection.countWithActiveAuthorization(), 5)
  })

  test('a cycle over several pages refreshes each due streamer once, within 4 queries each', async ({
    assert,
  }) => {
    useFastSettings({ pageSize: 2 })
    const due = []
    for (let i = 0; i < 4; i++) {
      due.push(await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ minutes: 20 }) }))
    }
    const fresh = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 9 }) })
    twitchEmulator.state.failRefresh(due[3].twitchUser.id, { status: 400 })
    const selection = await app.container.make(RefreshSelection)
    const cycle = await app.container.make(RefreshCycle)
    const progress: number[] = []

    const counter = startQueryCounter()
    const report = await cycle.run(selection.withActiveAuthorization(), {
      trigger: 'command',
      collectLines: true,
      onProgress: (done) => progress.push(done),
    })
    counter.stop()

    assert.include(report, { total: 5, success: 3, failed: 1, skipped: 1, deactivated: 0 })
    assert.deepEqual(progress, [1, 2, 3, 4, 5])
    assert.lengthOf(report.lines, 5)
    assert.isTrue(report.lines.some((line) => line.includes(': failed (permanent): ')))
    assert.isAtMost(counter.count / 5, 4)
    for (const { twitchUser } of due) {
      assert.equal(refreshCalls(twitchUser.id), 1)
    }
    assert.equal(refreshCalls(fresh.twitchUser.id), 0)
    const marked = await Streamer.findOrFail(due[3].streamer.id)
    assert.equal(marked.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test('without collectLines the report keeps nothing per streamer', async ({ assert }) => {
    await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    const selection = await app.container.make(RefreshSelection)
    const cycle = await app.container.make(RefreshCycle)

    const report = await cycle.run(selection.withActiveAuthorization(), { trigger: 'command' })

    assert.include(report, { total: 1, success: 1 })
    assert.deepEqual(report.lines, [])
  })
})
