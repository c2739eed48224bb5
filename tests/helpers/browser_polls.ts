import type { Page } from 'playwright'

/** On the polls page, the GM clicks a prepared poll's Launch and lands on the live run's page. */
export async function launchFromPollsPage(page: Page, pollId: number) {
  await page.locator(`#poll-${pollId}`).getByRole('button', { name: 'Launch' }).click()
  await page.waitForURL(/\/runs\/\d+$/)
}
