import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import ace from '@adonisjs/core/services/ace'
import Streamer from '#models/streamer'
import TokenRefresh from '../../../commands/token_refresh.js'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { startQueryCounter } from '#tests/helpers/query_counter'
import {
  connectedStreamer,
  refreshCalls,
  tokenTestGroup,
  useFastSettings,
} from '#tests/helpers/token_fixtures'

/** 10:00 UTC: the next tick is 10:30, so "valid past the tick + 10 min" means after 10:40. */
const NOW = DateTime.fromISO('2031-05-06T10:00:00', { zone: 'UTC' })

async function runCommand(argv: string[]) {
  const command = await ace.create(TokenRefresh, argv)
  await command.exec()
  const lines = command.logger.getLogs().map((log) => log.message)
  return { command, lines }
}

test.group('node ace token:refresh (in process)', (group) => {
  tokenTestGroup(group, NOW)
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('refreshes the due tokens of streamers with active authorization and reports', async ({
    assert,
  }) => {
    const due = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ minutes: 35 }) })
    const fresh = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 3 }) })
    const unauthorized = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ minutes: 5 }),
      authorized: false,
    })

    const { command, lines } = await runCommand([])

    command.assertExitCode(0)
    assert.include(lines, 'Streamers with active authorization: 2')
    assert.include(lines, `- ${label(due.streamer)} [expiring in 35m] · ${ids(due.streamer)}`)
    assert.include(lines, `- ${label(fresh.streamer)} · ${ids(fresh.streamer)}`)
    assert.includeMembers(lines, ['Total streamers: 2', 'Success: 1', 'Failed: 0', 'Skipped: 1'])
    assert.isTrue(lines.some((line) => line.startsWith(`- ${label(due.streamer)}: refreshed: `)))
    assert.isTrue(
      lines.some((line) => line.startsWith(`- ${label(fresh.streamer)}: skipped: 3h00m left`))
    )
    // Each report line ends with the ids the command takes back.
    assert.isTrue(
      lines.some(
        (line) =>
          line.startsWith(`- ${label(due.streamer)}: refreshed: `) &&
          line.endsWith(` · ${ids(due.streamer)}`)
      )
    )
    assert.equal(refreshCalls(due.twitchUser.id), 1)
    assert.equal(refreshCalls(fresh.twitchUser.id), 0)
    assert.equal(refreshCalls(unauthorized.twitchUser.id), 0)
    // The report lines come in this order.
    const at = (text: string) => lines.indexOf(text)
    assert.isBelow(at('Total streamers: 2'), at('Success: 1'))
    assert.isBelow(at('Success: 1'), at('Failed: 0'))
    assert.isBelow(at('Failed: 0'), at('Skipped: 1'))
  })

  test('--force without an id refreshes every streamer with active authorization', async ({
    assert,
  }) => {
    const first = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 3 }) })
    const second = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 4 }) })
    const unauthorized = await connectedStreamer({ now: NOW, authorized: false })

    const { command, lines } = await runCommand(['--force'])

    command.assertExitCode(0)
    assert.includeMembers(lines, ['Total streamers: 2', 'Success: 2', 'Failed: 0', 'Skipped: 0'])
    assert.equal(refreshCalls(first.twitchUser.id), 1)
    assert.equal(refreshCalls(second.twitchUser.id), 1)
    assert.equal(refreshCalls(unauthorized.twitchUser.id), 0)
  })

  test('an id selects that streamer, authorized or not; --force applies to it too', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ hours: 3 }),
      authorized: false,
    })
    const other = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ minutes: 5 }) })

    const plain = await runCommand([String(streamer.id)])
    plain.command.assertExitCode(0)
    assert.includeMembers(plain.lines, ['Total streamers: 1', 'Success: 0', 'Skipped: 1'])
    assert.equal(refreshCalls(twitchUser.id), 0)

    const forced = await runCommand([String(streamer.id), '--force'])
    forced.command.assertExitCode(0)
    assert.includeMembers(forced.lines, ['Total streamers: 1', 'Success: 1', 'Skipped: 0'])
    assert.equal(refreshCalls(twitchUser.id), 1)
    assert.equal(refreshCalls(other.twitchUser.id), 0)
  })

  test('--dry-run makes no call to Twitch and no write, and exits 0', async ({ assert }) => {
    const due = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ minutes: 10 }) })
    const broken = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    twitchEmulator.state.revokeRefresh(broken.twitchUser.id)
    const before = await Streamer.query().whereIn('id', [due.streamer.id, broken.streamer.id])
    twitchEmulator.state.resetStats()

    const counter = startQueryCounter()
    const { command, lines } = await runCommand(['--dry-run', '--force'])
    counter.stop()

    command.assertExitCode(0)
    assert.include(lines, 'Dry run: no call to Twitch, no write to the database.')
    // Nothing is done, so every streamer is skipped; the summary and each line say which a real run would refresh.
    assert.includeMembers(lines, [
      'Total streamers: 2',
      'Success: 0',
      'Failed: 0',
      'Skipped: 2',
      'Would refresh: 2 (dry run: nothing was done)',
    ])
    assert.isTrue(
      lines.some((line) =>
        line.startsWith(`- ${label(due.streamer)}: skipped (dry run), would refresh: `)
      )
    )
    assert.isTrue(lines.some((line) => line.endsWith(` · ${ids(broken.streamer)}`)))
    const stats = twitchEmulator.state.stats()
    assert.equal(stats.counts['token.refresh_token'] + stats.counts.validate, 0)
    assert.isTrue(counter.statements.every((sql) => /^\s*select/i.test(sql)))
    const after = await Streamer.query().whereIn('id', [due.streamer.id, broken.streamer.id])
    assert.deepEqual(
      after.map((row) => row.serialize()),
      before.map((row) => row.serialize())
    )
  })

  test('the streamer is found by Chorus id, Twitch user id or Twitch login, and the output says which', async ({
    assert,
  }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ hours: 3 }),
    })
    await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 3 }) })

    const cases = [
      [String(streamer.id), `Chorus streamer id ${streamer.id}`],
      [twitchUser.id, `Twitch user id ${twitchUser.id}`],
      [twitchUser.login.toUpperCase(), `Twitch login ${twitchUser.login.toUpperCase()}`],
    ] as const
    for (const [argument, matched] of cases) {
      const { command, lines } = await runCommand([argument, '--dry-run'])
      command.assertExitCode(0)
      assert.include(lines, `Streamer #${streamer.id}, matched by its ${matched}:`)
      assert.includeMembers(lines, [
        'Total streamers: 1',
        'Would refresh: 0 (dry run: nothing was done)',
      ])
      assert.include(lines, `- ${label(streamer)} · ${ids(streamer)}`)
    }
  })

  test('a number that is one streamer’s Chorus id and another’s Twitch user id picks the Chorus id and names the other', async ({
    assert,
  }) => {
    const first = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 3 }) })
    const other = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 3 }) })
    other.streamer.twitchUserId = String(first.streamer.id)
    await other.streamer.save()

    const { command, lines } = await runCommand([String(first.streamer.id), '--dry-run'])
    command.assertExitCode(0)
    assert.include(
      lines,
      `Streamer #${first.streamer.id}, matched by its Chorus streamer id ${first.streamer.id}:`
    )
    assert.isTrue(
      lines.some((line) =>
        line.endsWith(
          `is also the Twitch user id of ${label(other.streamer)}: pass its login to refresh that one.`
        )
      )
    )
  })

  test('--help explains the argument and the flags', async ({ assert }) => {
    const help = TokenRefresh.help.join(' ')
    assert.include(help, "Chorus's streamer id, its Twitch user id or its Twitch login")
    assert.include(help, '--force')
    assert.include(help, '--dry-run')
    assert.include(TokenRefresh.args[0].description, 'a Twitch login')
  })

  test('an unknown id prints "Streamer not found: <id>" and exits 1', async ({ assert }) => {
    for (const id of ['987654', 'abc', '12345678901234', 'no_such_login']) {
      const { command, lines } = await runCommand([id])
      command.assertExitCode(1)
      assert.isTrue(lines.some((line) => line.endsWith(`Streamer not found: ${id}`)))
      assert.notInclude(lines, 'Total streamers: 0')
    }
  })

  test('exits 1 when a refresh fails, a deactivation counting as a failure', async ({ assert }) => {
    const { streamer, twitchUser } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW,
      tokenRefreshFailedAt: NOW.minus({ minutes: 20 }),
    })
    twitchEmulator.state.revokeRefresh(twitchUser.id)

    const { command, lines } = await runCommand([])

    command.assertExitCode(1)
    assert.includeMembers(lines, ['Total streamers: 1', 'Success: 0', 'Failed: 1', 'Skipped: 0'])
    assert.isTrue(
      lines.some((line) =>
        line.startsWith(`- ${label(streamer)}: failed (permanent, deactivated): `)
      )
    )
    const stored = await Streamer.findOrFail(streamer.id)
    assert.isFalse(stored.isActive)
  })

  test('walks the streamers page by page: every one listed and reported once, in id order', async ({
    assert,
  }) => {
    useFastSettings({ pageSize: 2 })
    const due = []
    for (let i = 0; i < 5; i++) {
      due.push(await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ minutes: 20 }) }))
    }

    const { command, lines } = await runCommand([])

    command.assertExitCode(0)
    assert.includeMembers(lines, ['Streamers with active authorization: 5', 'Total streamers: 5'])
    assert.include(lines, 'Success: 5')
    const listed = lines.filter((line) => line.includes(' [expiring in 20m] · '))
    const reported = lines.filter((line) => line.includes(': refreshed: '))
    assert.deepEqual(
      listed,
      due.map(({ streamer }) => `- ${label(streamer)} [expiring in 20m] · ${ids(streamer)}`)
    )
    assert.lengthOf(reported, 5)
    for (const { twitchUser } of due) {
      assert.equal(refreshCalls(twitchUser.id), 1)
    }
  })

  test('tokens never appear in the output', async ({ assert }) => {
    const { streamer } = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW })
    const oldTokens = [streamer.accessToken!, streamer.refreshToken!]

    const { lines } = await runCommand(['--force'])

    const stored = await Streamer.findOrFail(streamer.id)
    const output = lines.join('\n')
    for (const token of [...oldTokens, stored.accessToken!, stored.refreshToken!]) {
      assert.notInclude(output, token)
    }
    assert.notInclude(JSON.stringify(stored.serialize()), stored.accessTokenEncrypted!)
  })
})

function label(streamer: Streamer) {
  return `${streamer.twitchDisplayName} (${streamer.twitchLogin})`
}

function ids(streamer: Streamer) {
  return `id ${streamer.id}, Twitch user id ${streamer.twitchUserId}`
}
