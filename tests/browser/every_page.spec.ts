import { test } from '@japa/runner'
import { AxeBuilder } from '@axe-core/playwright'
import type { Assert } from '@japa/assert'
import type { ApiClient } from '@japa/api-client'
import type { BrowserContext, Page } from 'playwright'
import Notification from '#models/notification'
import { apiTokenOf } from '#tests/helpers/api'
import {
  campaignWithChannels,
  launchRun,
  pollTestSetup,
  preparedPoll,
  SEEDED,
} from '#tests/helpers/polls'
import { overlayOf } from '#tests/helpers/overlays'

const BASE_URL = `http://${process.env.HOST}:${process.env.PORT}`
const PHONE = { width: 390, height: 844 }

interface Visit {
  name: string
  path: string
  /** What shows the page has done its work (scripts run, live updates on). */
  ready?: string
  /** The expected status (an error page's is not 200). */
  status?: number
  /**
   * OBS's browser source, not a page people read: checked against the WCAG
   * rules, not axe's best practices (one main landmark, a first-level heading),
   * which an empty stream layer has no use for.
   */
  streamLayer?: boolean
  /** Words the page must show (its language's). */
  says?: string[]
  /** Words the page must not show (another language's leftovers). */
  neverSays?: string[]
}

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * Opens each page on a phone-sized screen and fails on anything a visitor
 * would trip over: the page scrolls sideways, the browser logs a warning or
 * an error (console or uncaught), or axe finds an accessibility violation.
 * Every problem of every page is collected before the assertion, so one run
 * lists them all.
 */
async function walk(context: BrowserContext, visits: Visit[], assert: Assert) {
  const problems: string[] = []
  for (const visit of visits) {
    const page = await context.newPage()
    await page.setViewportSize(PHONE)
    const logged: string[] = []
    const url = `${BASE_URL}${visit.path}`
    page.on('console', (message) => {
      // An error page's own status is reported as a failed load of the document.
      const ownStatus = visit.status && message.location().url === url
      if (['warning', 'error'].includes(message.type()) && !ownStatus) {
        logged.push(`${message.type()}: ${message.text()}`)
      }
    })
    page.on('pageerror', (error) => logged.push(`uncaught: ${error.message}`))

    const response = await page.goto(url)
    if (response?.status() !== (visit.status ?? 200)) {
      problems.push(`${visit.name}: status ${response?.status()}`)
    }
    await page.waitForLoadState('load')
    if (visit.ready) await page.locator(visit.ready).first().waitFor({ state: 'attached' })

    const text = await page.locator('body').innerText()
    for (const words of visit.says ?? []) {
      if (!text.includes(words)) problems.push(`${visit.name}: does not say "${words}"`)
    }
    for (const words of visit.neverSays ?? []) {
      if (text.includes(words)) problems.push(`${visit.name}: still says "${words}"`)
    }

    const overflow = await overflowOf(page)
    if (overflow) problems.push(`${visit.name}: ${overflow}`)

    const builder = new AxeBuilder({ page })
    if (visit.streamLayer) builder.withTags(WCAG)
    const axe = await builder.analyze()
    for (const violation of axe.violations) {
      const where = violation.nodes.map((node) => node.target.join(' ')).join(', ')
      problems.push(`${visit.name}: axe ${violation.id} (${violation.help}) at ${where}`)
    }
    problems.push(...logged.map((line) => `${visit.name}: ${line}`))
    await page.close()
  }
  assert.deepEqual(problems, [])
}

/** How far the page is wider than the screen, and the elements that stick out. */
async function overflowOf(page: Page) {
  return page.evaluate<string | null>(`(() => {
    const width = document.documentElement.clientWidth
    if (document.documentElement.scrollWidth <= width + 1) return null
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      .filter((element) => !element.closest('.table-scroll'))
      .slice(0, 5)
      .map((element) => element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).split(' ').join('.') : ''))
    return 'scrolls sideways (' + document.documentElement.scrollWidth + ' px wide at ' + width + ' px): ' + wide.join(', ')
  })()`)
}

/**
 * Every page of Chorus, as its reader sees it on a phone: the GM's pages
 * around a live poll, a streamer's, the signed-out ones and an error page.
 */
test.group('Browser: every page on a phone, clean console, accessible', (group) => {
  pollTestSetup(group)

  /** A GM with a campaign of three channels, a live run, a token and a notification. */
  async function gmWithLiveRun(client: ApiClient) {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram, SEEDED.pat])
    const poll = await preparedPoll(campaign, { title: 'Which door?', choices: ['Left', 'Right'] })
    const run = await launchRun(client, gm, campaign, poll)
    await preparedPoll(campaign, { title: 'Trust the innkeeper?', choices: ['Yes', 'No'] })
    await apiTokenOf(gm, 'Foundry macro')
    await Notification.create({
      userId: gm.id,
      type: 'authorization_expiring',
      title: 'An authorization ends soon',
      body: 'Aria_Plays can run polls for 25 more minutes.',
      url: `/campaigns/${campaign.id}`,
    })
    return { gm, campaign, poll, run }
  }

  test('the GM’s campaign pages', async ({ client, browserContext, assert }) => {
    const { gm, campaign } = await gmWithLiveRun(client)
    await browserContext.loginAs(gm)
    await walk(
      browserContext,
      [
        { name: 'dashboard', path: '/dashboard' },
        { name: 'new campaign', path: '/campaigns/create' },
        { name: 'campaign', path: `/campaigns/${campaign.id}` },
        { name: 'campaign edit', path: `/campaigns/${campaign.id}/edit` },
        { name: 'readiness', path: `/campaigns/${campaign.id}/readiness` },
        { name: 'not found', path: '/campaigns/999999', status: 404 },
      ],
      assert
    )
  })

  test('the GM’s poll pages', async ({ client, browserContext, assert }) => {
    const { gm, campaign, poll, run } = await gmWithLiveRun(client)
    await browserContext.loginAs(gm)
    await walk(
      browserContext,
      [
        { name: 'polls', path: `/campaigns/${campaign.id}/polls` },
        { name: 'poll edit', path: `/campaigns/${campaign.id}/polls/${poll.id}/edit` },
        {
          name: 'live run',
          path: `/campaigns/${campaign.id}/runs/${run.id}`,
          ready: '[data-connection]:text("live updates on")',
        },
        { name: 'history', path: `/campaigns/${campaign.id}/runs` },
      ],
      assert
    )
  })

  test('the GM’s main pages in French', async ({ client, browserContext, assert }) => {
    const { gm, campaign, run } = await gmWithLiveRun(client)
    gm.locale = 'fr'
    await gm.save()
    await browserContext.loginAs(gm)
    // English the pages used to show; the test data (titles, names, the
    // notification written in English) holds none of these phrases.
    const english = [
      'Sign out',
      'Dashboard',
      'My campaigns as GM',
      'New campaign',
      'members can run polls',
      'Notifications on this device',
      'Manage API tokens',
      'Invite a streamer',
      'Readiness',
      'Combined results',
      'Per channel',
      'End now',
      'live updates',
      'Votes by',
      'On Twitch',
      ' left',
      'Polls will run on this channel',
      'Not an affiliate',
      'is live on',
    ]
    await walk(
      browserContext,
      [
        {
          name: 'dashboard (fr)',
          path: '/dashboard',
          says: ['Mes campagnes en tant que MJ', 'Nouvelle campagne', 'Se déconnecter'],
          neverSays: english,
        },
        {
          name: 'campaign (fr)',
          path: `/campaigns/${campaign.id}`,
          says: [
            'Inviter un streamer',
            'Membres',
            'Préparation',
            'Les sondages tourneront sur cette chaîne.',
            'Chaîne ni affiliée ni partenaire',
          ],
          neverSays: english,
        },
        {
          name: 'live run (fr)',
          path: `/campaigns/${campaign.id}/runs/${run.id}`,
          ready: '[data-connection]:text("mises à jour en direct")',
          says: [
            'Résultats combinés',
            'Par chaîne',
            'Arrêter maintenant',
            'En direct',
            'encore ',
            '« Which door? » est en direct : 2 sur 3 chaînes.',
            'Ni affiliée ni partenaire',
          ],
          neverSays: [...english, 'Twitch poll', 'chat vote', 'Live'],
        },
      ],
      assert
    )
  })

  test('the GM’s account pages', async ({ client, browserContext, assert }) => {
    const { gm } = await gmWithLiveRun(client)
    await browserContext.loginAs(gm)
    await walk(
      browserContext,
      [
        { name: 'account', path: '/account' },
        { name: 'notifications', path: '/notifications' },
        { name: 'notification settings', path: '/notifications/preferences' },
        { name: 'API tokens', path: '/settings/api-tokens' },
      ],
      assert
    )
  })

  test('a streamer’s pages', async ({ browserContext, assert }) => {
    const { campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    const aria = streamers.aria_plays
    await overlayOf(aria)
    await browserContext.loginAs(aria.user)

    await walk(
      browserContext,
      [
        { name: 'streamer dashboard', path: '/dashboard', ready: '[data-overlay-url], input' },
        { name: 'streamer campaign', path: `/campaigns/${campaign.id}` },
        { name: 'streamer notification settings', path: '/notifications/preferences' },
        // A GM-only page seen by a member.
        { name: 'forbidden', path: `/campaigns/${campaign.id}/readiness`, status: 403 },
      ],
      assert
    )
  })

  test('the signed-out pages and the overlay', async ({ browserContext, assert }) => {
    const { streamers } = await campaignWithChannels([SEEDED.aria])
    const { path } = await overlayOf(streamers.aria_plays)

    await walk(
      browserContext,
      [
        { name: 'landing', path: '/' },
        {
          name: 'sign-in failed',
          path: '/auth/twitch/callback?error=access_denied&error_description=The+user+denied',
          status: 400,
        },
        { name: 'overlay', path, streamLayer: true },
        { name: 'unknown overlay', path: '/overlay/not-a-key', status: 404, streamLayer: true },
      ],
      assert
    )
  })
})
