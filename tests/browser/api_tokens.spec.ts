import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { connectedStreamer } from '#tests/helpers/campaigns'
import { apiTestSetup } from '#tests/helpers/api'
import { SEEDED } from '#tests/helpers/polls'

const SIZES = [
  { name: 'laptop', width: 1366, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const

function noSidewaysScroll(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')
}

/** The API with a token read from the page, as a macro would call it. */
async function me(token: string) {
  const response = await fetch(`http://${process.env.HOST}:${process.env.PORT}/api/v1/me`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  return response.status
}

/**
 * A GM makes a token in the browser (from the dashboard's link), copies the
 * value shown once, sees it listed, and revokes it.
 */
test.group('Browser: API tokens', (group) => {
  apiTestSetup(group)

  for (const size of SIZES) {
    test(`make, list and revoke a token at ${size.name} size`, async ({
      browserContext,
      visit,
      assert,
    }) => {
      const streamer = await connectedStreamer(SEEDED.dorian)
      await browserContext.loginAs(streamer.user)

      const page = await visit('/dashboard')
      await page.setViewportSize({ width: size.width, height: size.height })
      await page.getByRole('link', { name: 'Manage API tokens' }).click()
      await page.waitForURL('**/settings/api-tokens')
      await page.getByLabel('Name').fill('Foundry macro')
      await page.getByLabel('Expires').selectOption('30')
      await page.getByRole('button', { name: 'Create token' }).click()

      const value = await page.getByLabel('The new token').inputValue()
      assert.match(value, /^chorus_/)
      assert.equal(await me(value), 200)
      await page.assertTextContains('#tokens', 'Foundry macro')
      assert.isTrue(
        await noSidewaysScroll(page),
        `the tokens page scrolls sideways at ${size.name}`
      )

      // Shown once: a fresh visit lists the token without its value.
      await page.goto('/settings/api-tokens')
      assert.equal(await page.getByLabel('The new token').count(), 0)
      assert.notInclude(await page.content(), value)

      await page.getByRole('button', { name: 'Revoke' }).click()
      await page.assertTextContains('.flash-success', 'Token "Foundry macro" revoked')
      await page.assertTextContains('#tokens', 'No token yet.')
      assert.equal(await me(value), 401)
    })
  }
})
