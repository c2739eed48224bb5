import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import User from '#models/user'
import { NotificationService } from '#services/notifications/notification_service'
import { launchedPoll, pollTestSetup, SEEDED } from '#tests/helpers/polls'
import { overlayOf } from '#tests/helpers/overlays'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * Languages in a real browser (docs/languages.md): a person switches their
 * interface language on the account page; a French streamer's overlay
 * writes its live words in French.
 */
const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`

test.group('Browser: languages', (group) => {
  pollTestSetup(group, { minReadIntervalMs: 200, maxReadIntervalMs: 200, quietBackoffFactor: 1 })

  test('switching the interface language on the account page', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { streamers } = await launchedPoll(client, [SEEDED.bram])
    const user = await User.findOrFail(streamers.bram_rolls.userId)
    const notifications = await app.container.make(NotificationService)
    await notifications.notify([
      {
        userId: user.id,
        type: 'campaign.member_removed',
        message: { key: 'notifications.removed', values: { campaign: 'Ashes' } },
        url: '/dashboard',
      },
    ])
    await browserContext.loginAs(user)

    const account = await visit('/account')
    await account.getByLabel('Your language').selectOption({ label: 'Français' })
    await account.getByRole('button', { name: 'Save language' }).click()
    await account.locator('.flash-success', { hasText: 'Langue enregistrée.' }).waitFor()
    // The picker now speaks the language chosen.
    await account.getByRole('button', { name: 'Enregistrer la langue' }).waitFor()
    assert.equal(await account.getByLabel('Ta langue').inputValue(), 'fr')

    const list = await visit('/notifications')
    await list.getByText('Tu as quitté « Ashes »').first().waitFor()
    assert.equal(await list.getByText('You left "Ashes"').count(), 0)
  })

  test('a French streamer’s overlay writes its live words in French', async ({
    client,
    browserContext,
    assert,
  }) => {
    const { streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const aria = streamers.aria_plays
    aria.audienceLocale = 'fr'
    await aria.save()
    const { path } = await overlayOf(aria)

    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.goto(`${BASE_URL}${path}`)
    await page.locator('[data-overlay][data-visible="true"]').waitFor()
    await page.locator('[data-channel-count]', { hasText: /^2 chaînes$/ }).waitFor()
    await page.locator('[data-time-left]', { hasText: /^encore \d:\d\d$/ }).waitFor()

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 1)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 1)
    await page.locator('[data-total-votes]', { hasText: /^2 votes$/ }).waitFor()
    await page.locator('[data-choice-index="0"] [data-votes]', { hasText: /^1 vote$/ }).waitFor()
    assert.equal(
      await page.locator('[data-choice-index="0"] [data-share]').textContent(),
      '50\u00a0%'
    )
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr')
  })
})
