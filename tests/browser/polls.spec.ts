import { test } from '@japa/runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  pollTestSetup,
  preparedPoll,
  SEEDED,
} from '#tests/helpers/polls'
import { launchFromPollsPage } from '#tests/helpers/browser_polls'

/**
 * A GM in Chromium runs a poll from launch to history, watching the bars
 * move as Twitch's votes come in (server-sent events through Transmit).
 */
test.group('Browser: a poll from launch to history', (group) => {
  pollTestSetup(group, { minReadIntervalMs: 200, maxReadIntervalMs: 200, quietBackoffFactor: 1 })

  test('the GM launches, watches the bars move, ends it and finds it in the history', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign, {
      title: 'Where does the party go?',
      choices: ['The crypt', 'The tavern'],
    })
    await browserContext.loginAs(gm)

    const page = await visit(`/campaigns/${campaign.id}/polls`)
    await page.assertTextContains(`#poll-${poll.id}`, 'Where does the party go?')
    await launchFromPollsPage(page, poll.id)
    // The page opens at the click; its note says how the launch went once Twitch answered.
    await page
      .locator('[data-launch-note]')
      .filter({ hasText: 'is live on 2 of 2 channels' })
      .waitFor()
    await page.assertTextContains('[data-status-label]', 'Live')

    const run = await campaignRun(campaign)
    const ariaPoll = channelOf(run, SEEDED.aria).twitchPollId!
    const bramPoll = channelOf(run, SEEDED.bram).twitchPollId!

    // Live updates are on before any vote: what follows comes through them
    // (the page's JSON fallback only runs every 10 s).
    await page.locator('[data-connection]').filter({ hasText: 'live updates on' }).waitFor()
    const crypt = page.locator('[data-bars] [data-choice-index="0"]')
    const tavern = page.locator('[data-bars] [data-choice-index="1"]')
    await crypt.locator('[data-votes]').filter({ hasText: /^0$/ }).waitFor()

    twitchEmulator.state.castVotes(ariaPoll, 0, 3)
    await crypt.locator('[data-votes]').filter({ hasText: /^3$/ }).waitFor({ timeout: 5000 })
    await crypt.locator('[data-share]').filter({ hasText: /^100$/ }).waitFor({ timeout: 5000 })

    twitchEmulator.state.castVotes(bramPoll, 1, 1)
    await tavern.locator('[data-votes]').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 })
    await crypt.locator('[data-share]').filter({ hasText: /^75$/ }).waitFor({ timeout: 5000 })
    await page.assertTextContains('[data-total-votes]', '4')
    const bramRow = page.locator('tr[data-login="bram_rolls"]')
    await bramRow
      .locator('[data-choice-index="1"] [data-votes]')
      .filter({ hasText: /^1$/ })
      .waitFor()
    const width = await crypt.locator('[data-fill]').evaluate((element) => element.style.width)
    assert.equal(width, '75%')

    // End now (after the confirmation), on every channel.
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'End now' }).click()
    await page.assertTextContains('.flash-success', 'ended on every channel')
    await page.assertTextContains('[data-status-label]', 'Ended early')
    assert.equal(twitchEmulator.state.getPoll(ariaPoll)!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.getPoll(bramPoll)!.status, 'TERMINATED')
    assert.isFalse(await page.getByRole('button', { name: 'End now' }).isVisible())

    // … and it is in the history with its result.
    await page.getByRole('link', { name: 'History' }).click()
    await page.waitForURL(`**/campaigns/${campaign.id}/runs`)
    const entry = page.locator(`.history-run[data-run-id="${run.id}"]`)
    await entry.locator('h2').filter({ hasText: 'Where does the party go?' }).waitFor()
    await entry
      .locator('[data-bars] [data-choice-index="0"] [data-votes]')
      .filter({ hasText: /^3$/ })
      .waitFor()
    await entry.locator('summary').click()
    await entry.locator('tr[data-login="aria_plays"]').waitFor()
  })
})
