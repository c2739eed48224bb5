import { test } from '@japa/runner'
import { speaking } from '#tests/helpers/languages'
import PollChannel from '#models/poll_channel'
import { apiCall, apiTokenOf } from '#tests/helpers/api'
import { pageWordsOf } from '#tests/helpers/page_words'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  SEEDED,
  campaignRun,
  campaignWithChannels,
  channelOf,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runPageSnapshot,
} from '#tests/helpers/polls'

/**
 * What Chorus itself says of a channel whose launch failed, kept as a key
 * and written in the reader's language where it is shown: the run page,
 * its script's words; the JSON API says it in English (docs/languages.md).
 */
test.group('Languages: why a channel failed', (group) => {
  pollTestSetup(group)

  test('a French GM reads why a launch failed in French; the API in English', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    await speaking(gm, 'fr')
    // Twitch refuses Bram's token on create, and again once it is renewed.
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 401, times: 2 })
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const run = await campaignRun(campaign)
    const bram = channelOf(run, SEEDED.bram)
    assert.equal(bram.outcome, 'failed')
    assert.equal(bram.reason, 'needs_reconnect')
    assert.equal(bram.error, 'polls.detail.token_refused_renewed')

    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, 'Doit reconnecter Twitch : Twitch a refusé le jeton même renouvelé')
    assert.notInclude(html, 'even after renewing')

    // The page script rewrites the row from the snapshot's code with its French words.
    const snapshot = await runPageSnapshot(client, gm, campaign, run.id)
    const left = snapshot.leftOut.find((channel) => channel.login === SEEDED.bram.login)!
    assert.deepEqual(left.error, { code: 'token_refused_renewed' })
    const { words } = pageWordsOf(html)
    assert.equal(words['detail.token_refused_renewed'], 'Twitch a refusé le jeton même renouvelé')

    const api = await apiCall(client, 'get', `/api/v1/runs/${run.id}`, await apiTokenOf(gm))
    api.assertStatus(200)
    const failed = api
      .body()
      .channels.find(
        (channel: { twitch_login: string }) => channel.twitch_login === SEEDED.bram.login
      )
    assert.equal(failed.status, 'failed')
    assert.equal(
      failed.reason,
      'Needs to reconnect Twitch: Twitch refused the token even after renewing it'
    )
  })

  test('a sentence stored before it became a key is shown as it was written', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    await speaking(gm, 'fr')
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const run = await campaignRun(campaign)
    await PollChannel.query()
      .where('id', channelOf(run, SEEDED.pat).id)
      .update({ reason: 'needs_reconnect', error: 'Twitch refused the token before the keys' })

    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    assert.include(
      page.text(),
      'Doit reconnecter Twitch : Twitch refused the token before the keys'
    )
    const snapshot = await runPageSnapshot(client, gm, campaign, run.id)
    const pat = snapshot.leftOut.find((channel) => channel.login === SEEDED.pat.login)!
    assert.deepEqual(pat.error, { text: 'Twitch refused the token before the keys' })
  })
})
