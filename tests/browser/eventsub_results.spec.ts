import { test } from '@japa/runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  helixCount,
  pollTestSetup,
  preparedPoll,
  SEEDED,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions } from '#tests/helpers/eventsub'
import { launchFromPollsPage } from '#tests/helpers/browser_polls'

/**
 * With Twitch events on, a vote in the emulator reaches the GM's page by
 * event (webhook → PostgreSQL → Transmit), with no Helix read while the
 * poll runs.
 */
test.group('Browser: live results by event', (group) => {
  // Helix reads, if any happened, would be quick: none may happen.
  pollTestSetup(group, { minReadIntervalMs: 200, maxReadIntervalMs: 200, quietBackoffFactor: 1 })
  eventsubTestSetup(group)

  test('a vote in the emulator moves the GM’s bars without any Helix poll read', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    await reconcileSubscriptions()
    const poll = await preparedPoll(campaign, {
      title: 'Open the sealed door?',
      choices: ['Yes', 'No'],
    })
    await browserContext.loginAs(gm)

    const page = await visit(`/campaigns/${campaign.id}/polls`)
    await launchFromPollsPage(page, poll.id)
    const getsBefore = helixCount('polls.get')

    const run = await campaignRun(campaign)
    await page.locator('[data-connection]').filter({ hasText: 'live updates on' }).waitFor()
    // Both channels say how their results arrive.
    const viaEvents = page.locator('[data-results-via="events"]')
    await viaEvents.nth(1).waitFor({ timeout: 5000 })
    await page.assertTextContains('tr[data-login="aria_plays"]', 'live by event')

    const yes = page.locator('[data-bars] [data-choice-index="0"]')
    const no = page.locator('[data-bars] [data-choice-index="1"]')
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 5)
    await yes.locator('[data-votes]').filter({ hasText: /^5$/ }).waitFor({ timeout: 2000 })
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 1, 2)
    await no.locator('[data-votes]').filter({ hasText: /^2$/ }).waitFor({ timeout: 2000 })
    await page.assertTextContains('[data-total-votes]', '7')

    assert.equal(helixCount('polls.get') - getsBefore, 0)
  })
})
