import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import Notification from '#models/notification'
import { ResultsPush } from '#services/polls/results_push'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  endNowRequest,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
} from '#tests/helpers/polls'
import { eventsubTestSetup } from '#tests/helpers/eventsub'
import { chatTexts, chatVoteSetup, grantChat } from '#tests/helpers/chat_votes'
import { clearOverlayLimits, overlayOf } from '#tests/helpers/overlays'

/**
 * What viewers read follows each streamer's audience language, what a
 * person reads follows their own interface language (docs/languages.md).
 */
test.group('Languages: a French channel and an English one in one campaign', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)
  group.each.setup(() => clearOverlayLimits())

  test('the French chat, overlay and notification are French, the English ones and the GM’s page English', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.bram, SEEDED.pat])
    const pat = streamers[SEEDED.pat.login]
    const bram = streamers[SEEDED.bram.login]
    await grantChat(pat)
    await grantChat(bram)
    pat.audienceLocale = 'fr'
    await pat.save()
    await pat.load('user')
    pat.user.locale = 'fr'
    await pat.user.save()
    const poll = await preparedPoll(campaign, {
      title: 'On ouvre la porte ?',
      choices: ['Oui', 'Non', 'On frappe'],
    })

    const launched = await launchRequest(client, gm, campaign, poll, undefined, 'chat')
    launched.assertStatus(302)
    const run = await campaignRun(campaign)
    assert.equal(channelOf(run, SEEDED.pat).voting, 'chat')
    assert.equal(channelOf(run, SEEDED.bram).voting, 'chat')

    // The question, in each channel's language.
    assert.deepEqual(chatTexts(SEEDED.pat.id), [
      'Sondage : On ouvre la porte ? · 1 = Oui · 2 = Non · 3 = On frappe · tapez 1, 2 ou 3 dans le chat (ou !vote N), 2 min pour voter',
    ])
    assert.deepEqual(chatTexts(SEEDED.bram.id), [
      'Vote: On ouvre la porte ? · 1 = Oui · 2 = Non · 3 = On frappe · type 1, 2 or 3 in chat (or !vote N), 2 min to vote',
    ])

    // The overlays: the French one speaks French, the English one English.
    const patOverlay = await overlayOf(pat)
    const bramOverlay = await overlayOf(bram)
    const french = await client.get(patOverlay.path)
    french.assertStatus(200)
    assert.include(french.text(), '<html lang="fr"')
    assert.include(french.text(), '<title>Overlay Chorus</title>')
    assert.include(french.text(), 'data-format-locale="fr"')
    assert.include(french.text(), 'Résultat final')
    assert.notInclude(french.text(), 'Final result')
    const english = await client.get(bramOverlay.path)
    assert.include(english.text(), '<html lang="en"')
    assert.include(english.text(), 'Final result')
    assert.notInclude(english.text(), 'Résultat final')

    // "Poll live" in each streamer's own interface language.
    const started = async (userId: number) => {
      const row = await Notification.query()
        .where('user_id', userId)
        .where('type', 'poll.started')
        .firstOrFail()
      return row.title
    }
    assert.equal(
      await started(pat.userId),
      'Sondage en cours sur ta chaîne : « On ouvre la porte ? »'
    )
    assert.equal(await started(bram.userId), 'Poll live on your channel: "On ouvre la porte ?"')

    // Viewers vote with their own language's word too.
    twitchEmulator.state.postViewerMessage({
      broadcasterId: SEEDED.pat.id,
      chatterLogin: 'viewer_a',
      text: '!voto 1',
    })
    twitchEmulator.state.postViewerMessage({
      broadcasterId: SEEDED.bram.id,
      chatterLogin: 'viewer_b',
      text: '1',
    })
    await twitchEmulator.state.eventsub.idle()
    const push = await app.container.make(ResultsPush)
    await push.flush()

    // The GM reads English on the run page.
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertStatus(200)
    assert.include(page.text(), '<html lang="en"')
    assert.include(page.text(), 'chat vote')
    assert.notInclude(page.text(), 'Sondage')

    clock.advance({ seconds: 30 })
    const ended = await endNowRequest(client, gm, campaign, run)
    ended.assertStatus(302)
    const final = await runWithChannels(run.id)
    assert.deepEqual(final.totals, [2, 0, 0])

    // The combined result, posted in each chat's language.
    assert.equal(
      chatTexts(SEEDED.pat.id).at(-1),
      'Résultats (toutes les chaînes) : On ouvre la porte ? · 1 = Oui 100\u00a0% (2) · 2 = Non 0\u00a0% (0) · 3 = On frappe 0\u00a0% (0) · gagnant : Oui'
    )
    assert.equal(
      chatTexts(SEEDED.bram.id).at(-1),
      'Results (all channels): On ouvre la porte ? · 1 = Oui 100% (2) · 2 = Non 0% (0) · 3 = On frappe 0% (0) · winner: Oui'
    )
  })
})
