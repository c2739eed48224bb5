import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { ChildProcess } from 'node:child_process'
import type { BrowserContext, Page } from 'playwright'
import { spawnApp } from '#tests/helpers/child_process'
import { connectedStreamer, submit } from '#tests/helpers/campaigns'
import { launchedPoll, pollTestSetup, SEEDED, waitUntil } from '#tests/helpers/polls'
import { overlayOf } from '#tests/helpers/overlays'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * The overlay as OBS shows it: Chromium at 1920×1080 on the overlay URL, no
 * sign-in. Votes are cast in the emulator's polls; the results poller reads
 * them and the page follows without a reload.
 * Screenshots over a dark and a light backdrop go to tmp/screenshots.
 */
const SHOTS = new URL('../../tmp/screenshots/', import.meta.url)
const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`

async function openOverlay(
  context: BrowserContext,
  url: string,
  options: { fakeClock?: boolean } = {}
) {
  const page = await context.newPage()
  await page.setViewportSize({ width: 1920, height: 1080 })
  if (options.fakeClock) await page.clock.install()
  const response = await page.goto(url)
  return { page, status: response?.status() }
}

function choice(page: Page, index: number) {
  return page.locator(`[data-choices] [data-choice-index="${index}"]`)
}

async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 5000) {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout })
}

test.group('Browser: the overlay in OBS', (group) => {
  // The results poller reads every channel every 200 ms.
  pollTestSetup(group, { minReadIntervalMs: 200, maxReadIntervalMs: 200, quietBackoffFactor: 1 })

  test('shows the combined votes of every channel and follows them without a reload', async ({
    client,
    browserContext,
    assert,
  }) => {
    await mkdir(SHOTS, { recursive: true })
    const { streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const { path } = await overlayOf(streamers.aria_plays)
    const { page } = await openOverlay(browserContext, `${BASE_URL}${path}`)

    await page.locator('[data-overlay][data-visible="true"]').waitFor()
    await waitForText(page, '[data-title]', 'Does the party trust the innkeeper?')
    await waitForText(page, '[data-channel-count]', '2 channels')
    assert.equal(await page.locator('[data-choices] li').count(), 3)
    await page.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })
    await page.evaluate('window.notReloaded = true')

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 3)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 0, 1)
    await waitForText(page, '[data-choice-index="0"] [data-votes]', /^4 votes$/)
    await waitForText(page, '[data-choice-index="0"] [data-share]', /^100%$/)

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 4)
    await waitForText(page, '[data-choice-index="2"] [data-votes]', /^4 votes$/)
    await waitForText(page, '[data-choice-index="0"] [data-share]', /^50%$/)
    await waitForText(page, '[data-total-votes]', /^8 votes$/)
    assert.equal(
      await choice(page, 2)
        .locator('[data-fill]')
        .evaluate((fill) => fill.style.width),
      '50%'
    )
    assert.isTrue(await page.evaluate<boolean>('window.notReloaded === true'))
    assert.match((await page.locator('[data-time-left]').textContent()) ?? '', /^\d+:\d\d left$/)

    // Transparent: OBS puts it over the game.
    assert.equal(
      await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'),
      'rgba(0, 0, 0, 0)'
    )
    // The bars' animation has finished (the function runs in the page).
    await page.waitForFunction(() => {
      const browserWindow = globalThis as unknown as {
        document: { getAnimations(): { playState: string }[] }
      }
      return browserWindow.document
        .getAnimations()
        .every((animation) => animation.playState !== 'running')
    })
    for (const [name, backdrop] of [
      ['dark', '#0d0c12'],
      ['light', 'linear-gradient(135deg, #fffbe6, #dfe9f5 60%, #ffffff)'],
    ]) {
      await page.evaluate(`document.body.style.background = '${backdrop}'`)
      await page.screenshot({ path: new URL(`overlay-${name}.png`, SHOTS).pathname })
    }
  })

  test('when the poll ends the winner shows for a while, then the overlay is gone', async ({
    client,
    browserContext,
    assert,
  }) => {
    const { gm, campaign, run, streamers, pollIdOf } = await launchedPoll(client, [
      SEEDED.aria,
      SEEDED.bram,
    ])
    const { path } = await overlayOf(streamers.bram_rolls)
    const { page } = await openOverlay(browserContext, `${BASE_URL}${path}`, { fakeClock: true })
    await page.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 0, 1)
    await waitForText(page, '[data-total-votes]', /^3 votes$/)

    const ended = await submit(client, 'post', `/campaigns/${campaign.id}/runs/${run.id}/end`, gm)
    ended.assertStatus(302)
    await page.locator('[data-overlay][data-state="winner"]').waitFor()
    await waitForText(page, '[data-time-left]', 'Final result')
    assert.isTrue(await choice(page, 1).evaluate((item) => item.classList.contains('is-winner')))
    assert.isFalse(await choice(page, 0).evaluate((item) => item.classList.contains('is-winner')))

    await page.clock.fastForward('00:10')
    assert.isTrue(await page.locator('.overlay-card').isVisible())
    await page.clock.fastForward('00:06')
    await page.locator('[data-overlay][data-visible="false"]').waitFor({ state: 'attached' })
    await page.locator('.overlay-card').waitFor({ state: 'hidden' })
  })

  test('a new link: the old URL is a 404 and the old page stops receiving', async ({
    client,
    browserContext,
    assert,
  }) => {
    const { streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const streamer = streamers.aria_plays
    const old = await overlayOf(streamer)
    const { page } = await openOverlay(browserContext, `${BASE_URL}${old.path}`)
    await page.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 2)
    await waitForText(page, '[data-total-votes]', /^2 votes$/)

    // The streamer makes a new link on the dashboard.
    await browserContext.loginAs(streamer.user)
    const dashboard = await browserContext.newPage()
    await dashboard.setViewportSize({ width: 1366, height: 900 })
    await dashboard.goto(`${BASE_URL}/dashboard`)
    // The card with its preview (a made-up poll), for a human to look at.
    const preview = dashboard.frameLocator('[data-overlay-preview] iframe')
    await preview.locator('[data-overlay][data-visible="true"]').waitFor()
    await mkdir(SHOTS, { recursive: true })
    await dashboard
      .locator('#overlay')
      .screenshot({ path: new URL('overlay-dashboard.png', SHOTS).pathname })
    dashboard.once('dialog', (dialog) => void dialog.accept())
    await dashboard.getByRole('button', { name: 'New link' }).click()
    await waitForText(dashboard, '.flash-success', 'New overlay link')
    const newUrl = await dashboard.locator('[data-overlay-url]').inputValue()
    assert.notInclude(newUrl, old.key)

    // The old page is told at once, and hears nothing more.
    await page.locator('[data-overlay][data-connection="gone"]').waitFor({ state: 'attached' })
    await page.locator('.overlay-card').waitFor({ state: 'hidden' })
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 5)
    const fresh = await openOverlay(browserContext, newUrl)
    await waitForText(fresh.page, '[data-total-votes]', /^7 votes$/)
    assert.equal(await page.locator('[data-total-votes]').textContent(), '2 votes')
    assert.isTrue(await page.locator('.overlay-card').isHidden())

    const reopened = await openOverlay(browserContext, `${BASE_URL}${old.path}`)
    assert.equal(reopened.status, 404)
  })

  test('a streamer in no live run sees nothing', async ({ client, browserContext, assert }) => {
    const { streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const outsider = await connectedStreamer(SEEDED.cass)
    const { path } = await overlayOf(outsider)
    const { page } = await openOverlay(browserContext, `${BASE_URL}${path}`)
    await page.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })
    // A member's overlay, open at the same time, shows when the votes went out.
    const member = await overlayOf(streamers.aria_plays)
    const witness = await openOverlay(browserContext, `${BASE_URL}${member.path}`)
    await witness.page
      .locator('[data-overlay][data-connection="live"]')
      .waitFor({ state: 'attached' })

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 3)
    await waitForText(witness.page, '[data-total-votes]', /^3 votes$/)
    assert.isTrue(await page.locator('.overlay-card').isHidden())
    assert.equal(await page.locator('[data-title]').textContent(), '')
  })
})

test.group('Browser: the overlay after a server restart', (group) => {
  pollTestSetup(group, { minReadIntervalMs: 200, maxReadIntervalMs: 200, quietBackoffFactor: 1 })
  let server: ChildProcess | null = null
  group.each.teardown(async () => {
    if (server) await stopServer(server)
    server = null
  })

  test('reconnects by itself and shows what happened meanwhile', async ({
    client,
    browserContext,
  }) => {
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const { streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const { path } = await overlayOf(streamers.aria_plays)

    server = await startServer(port)
    const { page } = await openOverlay(browserContext, `${baseUrl}${path}`)
    await page.locator('[data-overlay][data-connection="live"]').waitFor({ state: 'attached' })
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 1)
    await waitForText(page, '[data-total-votes]', /^1 vote$/)

    // The instance goes away (its sessions with it) and comes back.
    await stopServer(server)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 2)
    await page
      .locator('[data-overlay][data-connection="reconnecting"]')
      .waitFor({ state: 'attached' })
    server = await startServer(port)

    // What was missed comes from the state, what follows comes live.
    await waitForText(page, '[data-total-votes]', /^3 votes$/, 30_000)
    await page
      .locator('[data-overlay][data-connection="live"]')
      .waitFor({ state: 'attached', timeout: 30_000 })
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 4)
    await waitForText(page, '[data-total-votes]', /^7 votes$/)
  }).timeout(90_000)
})

async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Another web instance of the app, on the test database and Redis, with memory sessions. */
async function startServer(port: number) {
  const child = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${port}`,
    SESSION_DRIVER: 'memory',
    SCHEDULER_ENABLED: 'false',
  })
  child.stdout!.resume()
  child.stderr!.resume()
  await waitUntil(async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/overlay/not-a-key-not-a-key-not-a-key`)
      return response.status === 404
    } catch {
      return false
    }
  }, 30_000)
  return child
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  // A shutdown that hangs is a failure of its own: the test still ends.
  const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(stuck)
}
