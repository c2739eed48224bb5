import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import Streamer from '#models/streamer'
import TokenRefresh from '../../../commands/token_refresh.js'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/** A display name chosen on Twitch to forge the command's report. */
const FORGING_NAME = 'Evil\nSuccess: 999\r\u001b[2KFailed: 0\u001b[31m\u0007'

async function runCommand(argv: string[]) {
  const command = await ace.create(TokenRefresh, argv)
  await command.exec()
  const lines = command.logger.getLogs().map((log) => log.message)
  // The raw-mode logger is shared by every command: start the next one empty.
  command.logger.flushLogs()
  return { command, lines }
}

/**
 * `token:refresh` prints Twitch display names: whatever a name holds, it
 * prints on its own line, without control characters.
 */
test.group('node ace token:refresh: names from Twitch', (group) => {
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    ace.ui.switchMode('raw')
    const cleanup = await emptyDatabase()
    return async () => {
      ace.ui.switchMode('normal')
      await cleanup()
    }
  })

  test('a display name with line breaks and escape codes cannot forge lines', async ({
    assert,
  }) => {
    const twitchUser = twitchEmulator.state.createUser({
      login: 'forger',
      displayName: FORGING_NAME,
    })
    const callback = await signInWithTwitch(new HttpSession(), twitchUser.id)
    assert.equal(callback.status, 302)
    const streamer = await Streamer.findByOrFail('twitch_user_id', twitchUser.id)
    // Stored as Twitch sent it: only its printing is made safe.
    assert.equal(streamer.twitchDisplayName, FORGING_NAME)

    const listing = await runCommand([String(streamer.id), '--dry-run', '--force'])
    const refresh = await runCommand([String(streamer.id), '--force'])

    for (const { command, lines } of [listing, refresh]) {
      command.assertExitCode(0)
      for (const line of lines) {
        // eslint-disable-next-line no-control-regex
        assert.notMatch(line, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(line))
      }
      assert.notInclude(lines, 'Success: 999')
      // The report's own line only, none forged by the name.
      assert.lengthOf(
        lines.filter((line) => line === 'Failed: 0'),
        1
      )
    }
    assert.include(
      listing.lines,
      `- EvilSuccess: 999Failed: 0 (forger) · id ${streamer.id}, Twitch user id ${twitchUser.id}`
    )
    assert.include(refresh.lines, 'Success: 1')
    assert.isTrue(
      refresh.lines.some((line) =>
        line.startsWith('- EvilSuccess: 999Failed: 0 (forger): refreshed')
      )
    )
  })
})
