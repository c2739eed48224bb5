import { test } from '@japa/runner'
import type { BrowserContext, Page } from 'playwright'
import { campaignWithChannels, pollTestSetup, preparedPoll, SEEDED } from '#tests/helpers/polls'
import { launchFromPollsPage } from '#tests/helpers/browser_polls'

/**
 * Records every Content-Security-Policy violation a page reports, from the
 * browser's console and from the `securitypolicyviolation` event.
 */
async function recordViolations(context: BrowserContext) {
  const violations: string[] = []
  await context.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI)
    })
  `)
  context.on('console', (message) => {
    const text = message.text()
    if (/Content Security Policy|CSP violation/i.test(text)) violations.push(text)
  })
  return violations
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle')
}

/**
 * The main pages under the real policy in Chromium: they load, their
 * scripts run, and the browser reports no violation.
 */
test.group('Browser: pages under the Content-Security-Policy', (group) => {
  pollTestSetup(group)

  test('landing, dashboard, campaign, polls and a live poll page show no violation', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const violations = await recordViolations(browserContext)
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign, { title: 'Which door?', choices: ['Left', 'Right'] })

    const landing = await visit('/')
    await landing.getByRole('link', { name: 'Sign in with Twitch' }).waitFor()
    await settle(landing)

    await browserContext.loginAs(gm)
    for (const path of [
      '/dashboard',
      `/campaigns/${campaign.id}`,
      `/campaigns/${campaign.id}/readiness`,
      '/account',
    ]) {
      const page = await visit(path)
      await settle(page)
    }

    const polls = await visit(`/campaigns/${campaign.id}/polls`)
    await launchFromPollsPage(polls, poll.id)
    // The page's module script runs: it opens the live connection.
    await polls.locator('[data-connection]').filter({ hasText: 'live updates on' }).waitFor()
    // Bars get their width from a script, not from a style attribute.
    const width = await polls
      .locator('[data-bars] [data-fill]')
      .first()
      .evaluate((element) => element.style.width)
    assert.equal(width, '0%')
    await settle(polls)

    assert.deepEqual(violations, [])
  })
})
