import { test } from '@japa/runner'
import type { BrowserContext } from 'playwright'
import { DateTime } from 'luxon'
import Notification from '#models/notification'
import Streamer from '#models/streamer'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`

/**
 * Dates: one format, in the reader's time zone. The page is written in UTC
 * ("Mon 30 Nov, 18:39 UTC") and the browser rewrites it in its own zone.
 */
test.group('Browser: dates in the reader time zone', (group) => {
  let context: BrowserContext | null = null

  group.each.setup(async () => {
    twitchEmulator.state.reset()
    const cleanup = await emptyDatabase()
    return async () => {
      await context?.close()
      context = null
      await cleanup()
    }
  })

  test('a notification time reads in the browser time zone, in the one format', async ({
    browser,
    assert,
  }) => {
    context = await browser.newContext({ baseURL: BASE_URL, timezoneId: 'Asia/Tokyo' })
    const page = await context.newPage()
    await page.goto('/')
    await page.getByRole('link', { name: 'Sign in with Twitch' }).click()
    await page.locator('[data-login="bram_rolls"]').click()
    await page.waitForURL('**/dashboard')

    const bram = await Streamer.findByOrFail('twitch_login', 'bram_rolls')
    await Notification.create({
      userId: bram.userId,
      type: 'campaign.invited',
      title: 'Invitation to "Ashes"',
      body: 'Accept or decline it on your dashboard.',
      url: null,
      createdAt: DateTime.fromISO('2026-11-30T18:39:00Z'),
    })

    // Without the script: the server's UTC text.
    const served = await page.request.get('/notifications')
    assert.include(await served.text(), 'Mon 30 Nov, 18:39 UTC')

    // In the browser: the same moment in Tokyo (UTC+9), same shape.
    await page.goto('/notifications')
    const time = page.locator('.notification time[data-local-time]')
    await time.filter({ hasText: 'Tue 1 Dec, 03:39 GMT+9' }).waitFor()
    assert.equal(await time.getAttribute('datetime'), '2026-11-30T18:39:00.000Z')
  })
})
