import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import type { BrowserContext } from 'playwright'
import { campaignWithChannels, pollTestSetup, SEEDED } from '#tests/helpers/polls'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * A walk through every page that tells a channel's state, as the GM and as
 * the streamers, with a deactivated streamer and a channel that is not an
 * affiliate: no page contradicts another (docs/architecture.md, "A
 * channel's state").
 */
/** Screenshots of the walk, for a human to look at (tmp/screenshots). */
const SHOTS = new URL('../../tmp/screenshots/', import.meta.url)

async function shot(page: Page, name: string) {
  await mkdir(SHOTS, { recursive: true })
  await page.screenshot({ path: new URL(`state-${name}.png`, SHOTS).pathname, fullPage: true })
}

test.group('Browser: one state per channel on every page', (group) => {
  pollTestSetup(group)
  const contexts: BrowserContext[] = []
  group.each.setup(() => async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()))
  })

  test('GM, a disconnected streamer who reconnects, and a non-affiliate streamer', async ({
    browser,
    browserContext,
    visit,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([
      SEEDED.aria,
      SEEDED.bram,
      SEEDED.pat,
    ])
    const bram = streamers.bram_rolls
    bram.isActive = false
    await bram.save()
    const newPerson = async () => {
      const context = await browser.newContext({
        baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
      })
      contexts.push(context)
      return context
    }

    // The GM: the dashboard and readiness say the same count.
    await browserContext.loginAs(gm)
    const dashboard = await visit('/dashboard')
    const countsText = await dashboard.locator('#gm-campaigns .channel-counts').innerText()
    const counted = countsText.trim()
    assert.equal(counted, '1 of 3 members can run polls')
    const readiness = await visit(`/campaigns/${campaign.id}/readiness`)
    const summary = await readiness.locator('.readiness-summary').innerText()
    assert.equal(summary.trim(), counted)
    const patRow = readiness.locator('.readiness-row[data-login="plain_pat"]')
    await readiness.assertTextContains(
      '.readiness-row[data-login="plain_pat"] .badge',
      'No Twitch polls'
    )
    assert.notInclude(await patRow.innerText(), 'Polls will run')
    await readiness.assertTextContains(
      '.readiness-row[data-login="bram_rolls"] .badge',
      'Needs to reconnect'
    )

    // Bram, disconnected: one state, no renewal, a way to reconnect.
    const bramContext = await newPerson()
    await bramContext.loginAs(bram.user)
    const bramPage = await bramContext.newPage()
    await bramPage.goto(`/campaigns/${campaign.id}`)
    const card = bramPage.locator('#my-membership')
    await bramPage.assertTextContains('#my-membership .channel-state .badge', 'Needs to reconnect')
    assert.equal(await card.getByRole('button', { name: 'Renew for 12 hours' }).count(), 0)
    assert.notInclude(await card.innerText(), 'Ready')
    await bramPage.assertTextContains(
      '#my-membership .authorization',
      'on hold until you reconnect'
    )
    await shot(bramPage, 'disconnected-streamer')

    // He reconnects: the authorization he granted runs again, and every page says so.
    await card.getByRole('link', { name: 'Reconnect your Twitch account' }).click()
    await bramPage.waitForURL(`${twitchEmulator.oauthUrl}/authorize**`)
    await bramPage.locator('[data-login="bram_rolls"]').click()
    await bramPage.waitForURL('**/dashboard')
    await bramPage.assertTextContains('#streamer-campaigns .badge', 'Ready')
    await bramPage.goto(`/campaigns/${campaign.id}`)
    await bramPage.assertTextContains('#my-membership .channel-state .badge', 'Ready')
    await card.getByRole('button', { name: 'Renew for 12 hours' }).waitFor()
    await bramPage.assertTextContains('#my-membership .connection', 'Connected')
    await shot(bramPage, 'reconnected-streamer')

    await readiness.reload()
    await readiness.assertTextContains('.readiness-summary', '2 of 3 members can run polls')
    await dashboard.reload()
    await dashboard.assertTextContains(
      '#gm-campaigns .channel-counts',
      '2 of 3 members can run polls'
    )

    // Pat, not an affiliate: one reason, and renewing never promises polls.
    const patContext = await newPerson()
    await patContext.loginAs(streamers.plain_pat.user)
    const patPage = await patContext.newPage()
    await patPage.goto(`/campaigns/${campaign.id}`)
    await patPage.assertTextContains('#my-membership .channel-state .badge', 'No Twitch polls')
    await patPage.getByRole('button', { name: 'Renew for 12 hours' }).click()
    await patPage.assertTextContains('.flash-success', 'Twitch polls are not available on it')
    assert.notInclude(await patPage.locator('.flash-success').innerText(), 'may run')
    await shot(patPage, 'non-affiliate-streamer')
    await readiness.reload()
    await shot(readiness, 'gm-readiness')
    await dashboard.reload()
    await shot(dashboard, 'gm-dashboard')
  })
})
