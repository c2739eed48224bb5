import { emptyDatabase } from '#tests/helpers/empty_database'
import { test } from '@japa/runner'
import type { BrowserContext, Page } from 'playwright'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * Signs in with Twitch through the emulator's page as one of its accounts.
 */
async function signIn(page: Page, login: string) {
  await page.goto('/')
  await page.getByRole('link', { name: 'Sign in with Twitch' }).click()
  await page.waitForURL(`${twitchEmulator.oauthUrl}/authorize**`)
  await page.locator(`[data-login="${login}"]`).click()
  await page.waitForURL('**/dashboard')
}

/**
 * Two people in Chromium: a GM (dorian_dm) and a streamer (bram_rolls), each
 * in their own browser context (own cookies, own session).
 */
test.group('Browser: a campaign from invitation to readiness', (group) => {
  let streamerContext: BrowserContext | null = null

  group.each.setup(async () => {
    twitchEmulator.state.reset()
    const cleanup = await emptyDatabase()
    return async () => {
      await streamerContext?.close()
      streamerContext = null
      await cleanup()
    }
  })

  test('the GM invites, the streamer accepts and grants, the GM sees them ready', async ({
    browser,
    browserContext,
  }) => {
    // The GM signs in and creates a campaign.
    const gm = await browserContext.newPage()
    await signIn(gm, 'dorian_dm')
    await gm.getByRole('link', { name: 'New campaign' }).click()
    await gm.getByLabel('Name').fill('The Sunken Crown')
    await gm.getByLabel('Description').fill('Tuesdays at 8 pm')
    await gm.getByRole('button', { name: 'Create campaign' }).click()
    await gm.waitForURL(/\/campaigns\/\d+$/)
    await gm.assertTextContains('h1', 'The Sunken Crown')
    const campaignUrl = gm.url()

    // … and invites bram_rolls by Twitch login (checked on Twitch). Bram has
    // never used Chorus: the invitation waits for the first sign-in.
    await gm.getByLabel('Twitch login').fill('bram_rolls')
    await gm.getByRole('button', { name: 'Invite' }).click()
    await gm.assertTextContains('.flash-success', 'Bram_Rolls is invited')
    await gm.assertTextContains('tr[data-login="bram_rolls"]', 'Not signed in yet')

    // The streamer signs in in another browser and finds the invitation.
    streamerContext = await browser.newContext({
      baseURL: `http://${process.env.HOST}:${process.env.PORT}`,
    })
    const streamer = await streamerContext.newPage()
    await signIn(streamer, 'bram_rolls')
    await streamer.assertTextContains('#invitations', 'The Sunken Crown')
    await streamer.locator('#invitations').getByRole('button', { name: 'Accept' }).click()
    await streamer.waitForURL(campaignUrl)
    await streamer.assertTextContains('.flash-success', 'You joined "The Sunken Crown"')

    // Grants the 12-hour authorization: the countdown starts.
    await streamer.getByRole('button', { name: 'Grant poll authorization for 12 hours' }).click()
    await streamer.assertTextContains('.flash-success', 'for the next 12 hours')
    await streamer.assertTextContains('#my-membership .channel-state .badge', 'Ready')
    const countdown = streamer.locator('#my-membership [data-expires-at]')
    await countdown.filter({ hasText: /^11 h 59 min \d\d s left$/ }).waitFor()

    // The GM's readiness page shows the streamer ready with the time left.
    await gm.goto(`${campaignUrl}/readiness`)
    const row = gm.locator('.readiness-row[data-login="bram_rolls"]')
    await gm.assertTextContains('.readiness-row[data-login="bram_rolls"] .badge', 'Ready')
    await row
      .locator('[data-expires-at]')
      .filter({ hasText: /^11 h 59 min \d\d s left$/ })
      .waitFor()
    // The countdown is live: its text changes without a reload.
    const first = await row.locator('[data-expires-at]').textContent()
    await row
      .locator('[data-expires-at]')
      .filter({ hasNotText: first ?? '' })
      .waitFor({ timeout: 5000 })
    await gm.assertTextContains('.readiness', 'Polls will run on this channel.')

    // "Check now" asks Twitch and reports the streamer ready.
    await gm.getByRole('button', { name: 'Check now' }).click()
    await gm.assertTextContains('.flash-success', '1 ready')
    await gm.assertTextContains(
      '.readiness-row[data-login="bram_rolls"] .check-result',
      'Token valid'
    )
  })
})
