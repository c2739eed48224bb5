import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
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
import { PollResultsPoller } from '#services/polls/poll_results_poller'

/**
 * A poll runs out while the GM watches: everything on the page follows the
 * end without a reload (badge, launch note, "Results" column, the winner),
 * and says the same after a reload and in the history.
 */
test.group('Browser: the run page when a poll runs out', (group) => {
  const clock = pollTestSetup(group)

  test('the GM sees the winner and nothing that still says "live"', async ({
    browserContext,
    visit,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign, {
      title: 'Which road?',
      choices: ['North', 'South'],
      durationSeconds: 60,
    })
    await browserContext.loginAs(gm)

    const page = await visit(`/campaigns/${campaign.id}/polls`)
    await launchFromPollsPage(page, poll.id)
    const note = page.locator('[data-launch-note]')
    await note.filter({ hasText: 'is live on 2 of 2 channels' }).waitFor()
    await page.locator('th', { hasText: 'Results' }).waitFor()
    await page.locator('[data-verdict]').waitFor({ state: 'hidden' })
    await page.locator('[data-connection]').filter({ hasText: 'live updates on' }).waitFor()

    const run = await campaignRun(campaign)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 1, 3)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 0, 1)

    // Time is up, Twitch has reported: the run closes and the page hears it.
    clock.advance({ seconds: 90 })
    const poller = await app.container.make(PollResultsPoller)
    await poller.tick(run.id)

    await page
      .locator('[data-status-label]')
      .filter({ hasText: /^Ended$/ })
      .waitFor()
    const verdict = page.locator('[data-verdict]')
    await verdict.filter({ hasText: 'Winner: South' }).waitFor()
    await note.waitFor({ state: 'hidden' })
    await page.locator('th', { hasText: 'Results' }).waitFor({ state: 'hidden' })
    await page.locator('[data-results-via]').first().waitFor({ state: 'hidden' })
    await page.locator('[data-bars] .poll-bar-winner[data-choice-index="1"]').waitFor()
    await page.locator('[data-choice-index="0"] [data-winner-mark]').waitFor({ state: 'hidden' })

    await page.reload()
    await verdict.filter({ hasText: 'Winner: South' }).waitFor()
    await page
      .locator('[data-status-label]')
      .filter({ hasText: /^Ended$/ })
      .waitFor()
    await note.waitFor({ state: 'hidden' })
    await page.locator('th', { hasText: 'Results' }).waitFor({ state: 'detached' })

    await page.getByRole('link', { name: 'History' }).click()
    await page.waitForURL(`**/campaigns/${campaign.id}/runs`)
    await page
      .locator(`.history-run[data-run-id="${run.id}"] [data-verdict]`)
      .filter({ hasText: 'Winner: South' })
      .waitFor()
  })
})
