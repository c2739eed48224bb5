import { test } from '@japa/runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { campaignWithChannels, pollTestSetup, preparedPoll, SEEDED } from '#tests/helpers/polls'
import { launchFromPollsPage } from '#tests/helpers/browser_polls'
import { overlayOf } from '#tests/helpers/overlays'

const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`

/**
 * Launch, as the GM and a streamer's overlay see it: the run page opens at
 * the click, each channel "asking Twitch…" until its answer arrives live,
 * and an overlay shows the question as soon as its own channel's poll exists.
 */
test.group('Browser: a launch filling in live', (group) => {
  pollTestSetup(group)

  test('the run page opens at once and fills in; the overlay shows the question as its poll exists', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign, { title: 'Cross the rope bridge?' })
    const { path } = await overlayOf(streamers[SEEDED.aria.login])
    const overlay = await browserContext.newPage()
    await overlay.goto(`${BASE_URL}${path}`)
    await overlay.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })

    // Twitch takes its time on Bram's channel: Aria's answer comes first.
    twitchEmulator.state.setUserLatency(SEEDED.bram.id, 2_000)
    await browserContext.loginAs(gm)
    const page = await visit(`/campaigns/${campaign.id}/polls`)
    await launchFromPollsPage(page, poll.id)

    const aria = page.locator(`tr[data-login="${SEEDED.aria.login}"]`)
    const bram = page.locator(`tr[data-login="${SEEDED.bram.login}"]`)
    await page.assertTextContains('[data-launch-note]', 'asking Twitch on 2 channels')
    await page.evaluate('window.notReloaded = true')
    // Aria's poll exists: her row and her overlay show it while Bram is still asked.
    await page.locator(`tr[data-login="${SEEDED.aria.login}"][data-launch-state="live"]`).waitFor()
    await overlay.locator('[data-title]').filter({ hasText: 'Cross the rope bridge?' }).waitFor()
    await page.assertTextContains(
      `tr[data-login="${SEEDED.bram.login}"] [data-twitch-status]`,
      'asking Twitch…'
    )
    await page.assertExists(`tr[data-login="${SEEDED.bram.login}"][data-launch-state="asking"]`)
    await page.assertTextContains(
      `tr[data-login="${SEEDED.aria.login}"] [data-twitch-status]`,
      'active'
    )

    // Bram's answer fills his row in, live: the page was never reloaded.
    await bram.and(page.locator('[data-launch-state="live"]')).waitFor({ timeout: 10_000 })
    await page.assertTextContains('[data-launch-note]', 'is live on 2 of 2 channels')
    await page.assertTextContains('[data-status-label]', 'Live')
    await page.assertTextContains(
      `tr[data-login="${SEEDED.bram.login}"] [data-twitch-status]`,
      'active'
    )
    assert.isTrue(await page.evaluate('window.notReloaded'))
    await aria.waitFor()
  })
})
