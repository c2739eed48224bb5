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

      await page.waitForURL('**/settings/api-tokens')
      const value = await page.getByLabel('The new token').inputValue()
      assert.match(value, /^chorus_/)
      assert.equal(await me(value), 200)
      await page.assertTextContains('#tokens', 'Foundry macro')
      assert.isTrue(
        await noSidewaysScroll(page),
        `the tokens page scrolls sideways at ${size.name}`
      )

      // The copy button puts the value on the clipboard and says so.
      await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
      await page.locator('#new-token').getByRole('button', { name: 'Copy' }).click()
      await page.assertTextContains('#new-token-copy-status', 'Copied.')
      assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), value)

      // Shown once: a reload lists the one token without its value.
      await page.reload()
      assert.equal(await page.getByLabel('The new token').count(), 0)
      assert.notInclude(await page.content(), value)
      assert.equal(await page.locator('#tokens tbody tr').count(), 1)

      // Revoking asks first: dismissed, the token stays; accepted, it is gone.
      const questions: string[] = []
      page.once('dialog', (dialog) => {
        questions.push(dialog.message())
        void dialog.dismiss()
      })
      await page.getByRole('button', { name: 'Revoke' }).click()
      assert.equal(await me(value), 200)
      assert.match(questions[0], /Revoke the token "Foundry macro"\?/)
      page.once('dialog', (dialog) => void dialog.accept())
      await page.getByRole('button', { name: 'Revoke' }).click()
      await page.assertTextContains('.flash-success', 'Token "Foundry macro" revoked')
      await page.assertTextContains('#tokens', 'No token yet.')
      assert.equal(await me(value), 401)

      // … and back to the dashboard.
      await page.getByRole('link', { name: 'Back to the dashboard' }).click()
      await page.waitForURL('**/dashboard')
    })
  }
})
