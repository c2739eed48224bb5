import { test } from '@japa/runner'
import type { ChatLogEntry } from '#emulator/server'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  channelOf,
  pollTestSetup,
  preparedPoll,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions } from '#tests/helpers/eventsub'
import {
  chatVoteSetup,
  fetchChatLog,
  mixedCampaign,
  postChatMessage,
} from '#tests/helpers/chat_votes'
import { launchFromPollsPage } from '#tests/helpers/browser_polls'

const RESULT_PREFIX = 'Results (all channels)'

/**
 * A mixed launch seen by the GM in Chromium: two affiliates vote by Twitch
 * poll, plain_pat (not an affiliate) by chat, and both kinds of vote move
 * one combined result. The question and the final result go to plain_pat's
 * chat, read back from the emulator over HTTP.
 */
test.group('Browser: a mixed launch, Twitch polls and chat', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)

  test('Twitch poll votes and chat votes make one result, announced and posted in chat', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    await reconcileSubscriptions()
    const poll = await preparedPoll(campaign, {
      title: 'Open the sealed door?',
      choices: ['Yes', 'No'],
    })
    await browserContext.loginAs(gm)

    const page = await visit(`/campaigns/${campaign.id}/polls`)
    await launchFromPollsPage(page, poll.id)
    // The page opens at the click; its note says how the launch went once Twitch answered.
    await page
      .locator('[data-launch-note]')
      .filter({ hasText: 'is live on 3 of 3 channels' })
      .waitFor()

    // Each channel says how its audience votes; nobody is left out.
    const rowOf = (login: string) => page.locator(`tr[data-login="${login}"]`)
    await page.assertTextContains(
      `tr[data-login="aria_plays"] [data-voting="twitch"]`,
      'Twitch poll'
    )
    await page.assertTextContains(
      `tr[data-login="bram_rolls"] [data-voting="twitch"]`,
      'Twitch poll'
    )
    await page.assertTextContains(`tr[data-login="plain_pat"] [data-voting="chat"]`, 'chat vote')
    assert.equal(await page.locator('.left-out li').count(), 0)

    // The question was posted at launch in plain_pat's chat, by plain_pat's
    // account (Chorus speaks with the streamer's token), and nowhere else.
    const announced = await fetchChatLog(SEEDED.pat.id)
    assert.lengthOf(announced, 1)
    assert.equal(announced[0].origin, 'app')
    assert.equal(announced[0].chatterId, SEEDED.pat.id)
    assert.include(announced[0].text, 'Open the sealed door?')
    assert.include(announced[0].text, '1 = Yes · 2 = No')
    assert.lengthOf(await fetchChatLog(SEEDED.aria.id), 0)
    assert.lengthOf(await fetchChatLog(SEEDED.bram.id), 0)

    const run = await campaignRun(campaign)
    assert.isNull(channelOf(run, SEEDED.pat).twitchPollId)

    await page.locator('[data-connection]').filter({ hasText: 'live updates on' }).waitFor()
    const yes = page.locator('[data-bars] [data-choice-index="0"] [data-votes]')
    const no = page.locator('[data-bars] [data-choice-index="1"] [data-votes]')
    const total = page.locator('[data-total-votes]')

    // Votes on aria's Twitch poll.
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 3)
    await yes.filter({ hasText: /^3$/ }).waitFor({ timeout: 5000 })

    // Votes in plain_pat's chat: one per chatter, chatter that is not a vote
    // moves nothing. Twitch does not promise the order of deliveries, so
    // viewer_a's first vote is seen counted before their second is sent.
    const patRow = rowOf('plain_pat')
    const patVotes = (index: number) =>
      patRow.locator(`[data-choice-index="${index}"] [data-votes]`)
    await postChatMessage(SEEDED.pat.id, 'viewer_a', '2')
    await patVotes(1).filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 })
    await postChatMessage(SEEDED.pat.id, 'viewer_b', '!vote 2')
    await postChatMessage(SEEDED.pat.id, 'viewer_c', '1')
    await postChatMessage(SEEDED.pat.id, 'viewer_a', '1')
    await postChatMessage(SEEDED.pat.id, 'viewer_d', 'gg, open it!')
    await yes.filter({ hasText: /^4$/ }).waitFor({ timeout: 5000 })
    await no.filter({ hasText: /^2$/ }).waitFor({ timeout: 5000 })
    await total.filter({ hasText: /^6$/ }).waitFor({ timeout: 5000 })
    await patRow.locator('[data-total]').filter({ hasText: /^3$/ }).waitFor({ timeout: 5000 })
    await patVotes(1).filter({ hasText: /^2$/ }).waitFor({ timeout: 5000 })

    // A vote on bram's Twitch poll joins the same bars.
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 1, 1)
    await no.filter({ hasText: /^3$/ }).waitFor({ timeout: 5000 })
    await total.filter({ hasText: /^7$/ }).waitFor({ timeout: 5000 })

    // End now (after the confirmation).
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'End now' }).click()
    await page.assertTextContains('[data-status-label]', 'Ended early')

    // The combined result, posted once in plain_pat's chat after the question.
    let log: ChatLogEntry[] = []
    await waitUntil(async () => {
      log = await fetchChatLog(SEEDED.pat.id)
      return log.some((entry) => entry.text.startsWith(RESULT_PREFIX))
    }, 5000)
    const posted = log.filter((entry) => entry.origin === 'app').map((entry) => entry.text)
    assert.lengthOf(posted, 2)
    assert.equal(posted[0], announced[0].text)
    assert.include(posted[1], 'Open the sealed door?')
    assert.include(posted[1], '1 = Yes 57% (4) · 2 = No 43% (3)')
    assert.include(posted[1], 'winner: Yes')

    // A vote in chat after the end does not count: the page, loaded afresh
    // once it was delivered, shows the final combined counts.
    await postChatMessage(SEEDED.pat.id, 'viewer_e', '1')
    await twitchEmulator.state.eventsub.idle()
    await page.reload()
    await page.assertTextContains('[data-status-label]', 'Ended early')
    assert.equal(await yes.textContent(), '4')
    assert.equal(await no.textContent(), '3')
    assert.equal(await total.textContent(), '7')
    await page.assertTextContains(`tr[data-login="plain_pat"] [data-voting="chat"]`, 'chat vote')
  })
})
