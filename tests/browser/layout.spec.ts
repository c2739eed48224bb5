import { test } from '@japa/runner'
import { mkdir } from 'node:fs/promises'
import type { Page } from 'playwright'
import { campaignWithChannels, pollTestSetup, preparedPoll, SEEDED } from '#tests/helpers/polls'

/**
 * The pages a GM uses most, on a laptop and on a phone: nothing overflows
 * sideways, form fields are not bold, readiness rows line up in columns and
 * the poll form's number fields line up. Screenshots of each page at both
 * sizes are kept in tmp/screenshots for a human to look at.
 */
const SIZES = [
  { name: 'laptop', width: 1366, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const

const SHOTS = new URL('../../tmp/screenshots/', import.meta.url)

async function noSidewaysScroll(page: Page) {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')
}

test.group('Browser: layout on a laptop and a phone', (group) => {
  pollTestSetup(group)

  for (const size of SIZES) {
    test(`GM pages at ${size.name} size`, async ({ browserContext, visit, assert }) => {
      await mkdir(SHOTS, { recursive: true })
      const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram, SEEDED.pat])
      await preparedPoll(campaign, { title: 'Which door?', choices: ['Left', 'Right'] })
      await browserContext.loginAs(gm)

      const pages = {
        campaign: `/campaigns/${campaign.id}`,
        readiness: `/campaigns/${campaign.id}/readiness`,
        polls: `/campaigns/${campaign.id}/polls`,
        newCampaign: '/campaigns/create',
      }
      for (const [name, path] of Object.entries(pages)) {
        const page = await visit(path)
        await page.setViewportSize({ width: size.width, height: size.height })
        await page.screenshot({
          path: new URL(`${name}-${size.name}.png`, SHOTS).pathname,
          fullPage: true,
        })
        assert.isTrue(await noSidewaysScroll(page), `${name} scrolls sideways at ${size.name}`)

        const boldInputs = await page.evaluate<number>(
          `[...document.querySelectorAll('input[type="text"], input[type="number"], textarea')]
            .filter((field) => Number(getComputedStyle(field).fontWeight) > 500).length`
        )
        assert.equal(boldInputs, 0, `bold text in the fields of ${name}`)

        if (name === 'readiness') {
          const lefts = await page.$$eval('.readiness-row .readiness-state', (cells) =>
            cells.map((cell) => Math.round(cell.getBoundingClientRect().left))
          )
          assert.lengthOf(lefts, 3)
          assert.lengthOf(new Set(lefts), 1, `readiness columns misaligned: ${lefts.join(', ')}`)
        }

        if (name === 'polls') {
          const tops = await page.$$eval('.poll-numbers input', (inputs) =>
            inputs.map((input) => Math.round(input.getBoundingClientRect().top))
          )
          assert.lengthOf(tops, 2)
          if (size.name === 'laptop') {
            assert.equal(tops[0], tops[1], 'the number fields are not on one line')
          }
          const form = await page.$eval(
            'form.stack',
            (element) => element.getBoundingClientRect().width
          )
          const card = await page.$eval(
            'form.stack',
            (element) => element.closest('.card')!.getBoundingClientRect().width
          )
          assert.isAbove(form / card, 0.7, 'the poll form uses too little of its card')

          // The "vote in chat" switch sits on the line of its words, beside Launch.
          const [box, words, launch] = await page.$eval('.launch-form', (launchForm) =>
            [
              launchForm.querySelector('.launch-chat input')!,
              launchForm.querySelector('.launch-chat')!,
              launchForm.querySelector('button')!,
            ].map((element) => {
              const rect = element.getBoundingClientRect()
              return { middle: rect.top + rect.height / 2, height: rect.height }
            })
          )
          assert.isBelow(Math.abs(box.middle - words.middle), 4, 'the chat switch is off its line')
          assert.isBelow(words.height, 40, 'the chat switch and its words take two lines')
          if (size.name === 'laptop') {
            assert.isBelow(
              Math.abs(words.middle - launch.middle),
              4,
              'the switch is not beside Launch'
            )
          }
        }

        if (name === 'newCampaign' || name === 'polls') {
          // "(optional)" stays on the line of its label's text.
          const splits = await page.$$eval(
            '.label-text',
            (texts) =>
              texts.filter(
                (text) => text.getClientRects().length > 1 && text.textContent!.length < 40
              ).length
          )
          assert.equal(splits, 0, `a short label wraps on ${name}`)
        }
        await page.close()
      }
    })
  }
})
