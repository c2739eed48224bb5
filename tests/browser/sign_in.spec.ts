import { emptyDatabase } from '#tests/helpers/empty_database'
import { test } from '@japa/runner'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * A person in Chromium: the landing page, the emulator's Twitch page, the dashboard.
 */
test.group('Browser: sign in with Twitch', (group) => {
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    return emptyDatabase()
  })

  test('click Sign in with Twitch, pick a streamer, land on the dashboard', async ({ visit }) => {
    const page = await visit('/')
    await page.assertTextContains('h1', 'One question')

    await page.getByRole('link', { name: 'Sign in with Twitch' }).click()
    await page.waitForURL(`${twitchEmulator.oauthUrl}/authorize**`)
    await page.locator('[data-login="bram_rolls"]').click()

    await page.waitForURL('**/dashboard')
    await page.assertTextContains('h1', 'Bram_Rolls')
    await page.assertTextContains('.profile', 'bram_rolls')
  })

  test('a page opened signed out says "Sign in to continue" and returns there after sign-in', async ({
    visit,
  }) => {
    const page = await visit('/notifications/preferences')
    await page.waitForURL((url) => url.pathname === '/')
    await page.assertTextContains('.flash-notice', 'Sign in to continue.')

    await page.getByRole('link', { name: 'Sign in with Twitch' }).click()
    await page.waitForURL(`${twitchEmulator.oauthUrl}/authorize**`)
    await page.locator('[data-login="cass_casts"]').click()

    await page.waitForURL('**/notifications/preferences')
    await page.assertTextContains('h1', 'Notification')
  })
})
