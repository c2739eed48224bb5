import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import PollRun from '#models/poll_run'
import PollChannel from '#models/poll_channel'
import CampaignMembership from '#models/campaign_membership'
import { CHAT_VOTING_SCOPES } from '#services/chat_votes/chat_scopes'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { ChatVoteTally } from '#services/chat_votes/chat_vote_tally'
import { ResultsPush } from '#services/polls/results_push'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  endNowRequest,
  launchKey,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runPageSnapshot,
  runWithChannels,
  SEEDED,
  waitUntil,
  englishNote,
} from '#tests/helpers/polls'
import { eventsubTestSetup } from '#tests/helpers/eventsub'
import { chatTexts, chatVoteSetup, grantChat, mixedCampaign } from '#tests/helpers/chat_votes'

/** Two affiliates by Twitch poll, plain_pat (no affiliate status) by chat. */
async function mixedLaunch(client: ApiClient) {
  const { gm, campaign } = await mixedCampaign()
  const poll = await preparedPoll(campaign)
  const response = await launchRequest(client, gm, campaign, poll)
  response.assertStatus(302)
  return { gm, campaign, run: await campaignRun(campaign) }
}

function say(chatter: string, text: string, broadcasterId: string = SEEDED.pat.id) {
  return twitchEmulator.state.postViewerMessage({ broadcasterId, chatterLogin: chatter, text })
}

/** Every delivery answered, and the pushes they scheduled sent. */
async function settle() {
  await twitchEmulator.state.eventsub.idle()
  const push = await app.container.make(ResultsPush)
  await push.flush()
}

async function storedVotes(run: PollRun, account: (typeof SEEDED)[keyof typeof SEEDED]) {
  const row = await PollChannel.query()
    .where('poll_run_id', run.id)
    .where('twitch_user_id', account.id)
    .firstOrFail()
  return row.votes
}

test.group('Chat voting: a mixed launch', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)

  test('the non-affiliate votes in chat and joins the combined result; the result is posted once', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run } = await mixedLaunch(client)

    // How each channel votes, and the chat channel's row before any vote.
    assert.equal(channelOf(run, SEEDED.aria).voting, 'twitch')
    assert.equal(channelOf(run, SEEDED.bram).voting, 'twitch')
    const pat = channelOf(run, SEEDED.pat)
    assert.equal(pat.outcome, 'created')
    assert.equal(pat.voting, 'chat')
    assert.deepEqual(pat.votes, [0, 0, 0])
    assert.isNull(pat.twitchPollId)
    const stored = await PollChannel.findOrFail(pat.id)
    assert.isNotNull(stored.chatAnnouncedAt)

    // The question was posted in plain_pat's chat, only there.
    const announced = chatTexts(SEEDED.pat.id).join('\n')
    assert.include(announced, run.title)
    assert.include(announced, '1 = Yes')
    assert.include(announced, '3 = Roll for it')
    assert.lengthOf(chatTexts(SEEDED.aria.id), 0)

    // Votes in chat: the first of each chatter counts; chatter is not a vote.
    say('viewer_a', '1')
    say('viewer_b', '!vote 2')
    say('viewer_c', ' !2 ')
    say('viewer_a', '2')
    say('viewer_d', 'gg everyone')
    say('viewer_e', '4')
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 3)
    await settle()
    assert.deepEqual(await storedVotes(run, SEEDED.pat), [1, 2, 0])

    // The GM's page shows the chat channel and how it votes.
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertStatus(200)
    assert.include(page.text(), 'data-voting="chat"')
    assert.include(page.text(), 'chat vote')

    // End now: the combined result, then a late vote that does not count.
    clock.advance({ seconds: 30 })
    const ended = await endNowRequest(client, gm, campaign, run)
    ended.assertStatus(302)
    say('viewer_f', '3')
    await settle()
    const final = await runWithChannels(run.id)
    assert.equal(final.status, 'terminated')
    assert.deepEqual(channelOf(final, SEEDED.pat).votes, [1, 2, 0])
    assert.deepEqual(final.totals, [4, 2, 0])
    assert.equal(channelOf(final, SEEDED.pat).voting, 'chat')

    // The combined result was posted in the chat channel, once.
    const results = () => chatTexts(SEEDED.pat.id).filter((text) => text.startsWith('Results'))
    const resultPosts = results()
    assert.lengthOf(resultPosts, 1)
    assert.include(resultPosts[0], '1 = Yes 67% (4)')
    const counts = await app.container.make(RunChatVotes)
    await counts.postResults(final)
    assert.deepEqual(results(), resultPosts)
    assert.isNotNull(channelOf(final, SEEDED.pat).chatResultPostedAt)
  })

  test('a channel whose question Twitch refused does not take part: left out, its chat not counted', async ({
    client,
    assert,
  }) => {
    // AutoMod holds "vote": the poll's own words pass, the chat announcement does not.
    twitchEmulator.state.setAutomodWords(['vote'])
    const { gm, campaign, run } = await mixedLaunch(client)

    assert.equal(channelOf(run, SEEDED.aria).outcome, 'created')
    const pat = channelOf(run, SEEDED.pat)
    assert.equal(pat.outcome, 'failed')
    assert.equal(pat.reason, 'twitch_refused')
    assert.equal(pat.error, 'Your message was held by AutoMod')
    assert.isNull(pat.chatAnnouncedAt)
    assert.equal(run.status, 'running')

    // The GM sees it among the channels left out, with the reason.
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    assert.include(page.text(), 'Twitch refused')

    // Its viewers were never asked: what they type is not counted, and no result is posted there.
    say('viewer_a', '1')
    await settle()
    await endNowRequest(client, gm, campaign, run)
    const final = await runWithChannels(run.id)
    assert.deepEqual(final.totals, [0, 0, 0])
    assert.isNull(channelOf(final, SEEDED.pat).chatResultPostedAt)
    assert.lengthOf(
      chatTexts(SEEDED.pat.id).filter((text) => text.startsWith('Results')),
      0
    )
  })

  test('when no chat channel could be asked, the run does not launch', async ({
    client,
    assert,
  }) => {
    twitchEmulator.state.setAutomodWords(['vote'])
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.pat])
    await grantChat(streamers[SEEDED.pat.login])
    const poll = await preparedPoll(campaign)

    const response = await launchRequest(client, gm, campaign, poll)
    response.assertStatus(302)
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    const snapshot = await runPageSnapshot(client, gm, campaign, run.id)
    assert.equal(
      englishNote(snapshot.launchNote),
      'No channel could run this poll: see why for each channel below.'
    )
    assert.equal(run.status, 'failed')
    assert.equal(run.endReason, 'no_channel')
    const poller = await app.container.make(PollResultsPoller)
    assert.isFalse(poller.isPolling(run.id))
  })

  test('a Shared Chat message from another channel is ignored; a redelivered message counts once', async ({
    client,
    assert,
  }) => {
    const { run } = await mixedLaunch(client)

    // Shared Chat: bram's viewer writes in bram's chat, Twitch shows it in pat's too.
    twitchEmulator.state.startSharedChat([SEEDED.pat.id, SEEDED.bram.id])
    twitchEmulator.state.postViewerMessage({
      broadcasterId: SEEDED.pat.id,
      sourceBroadcasterId: SEEDED.bram.id,
      chatterLogin: 'bram_fan',
      text: '1',
    })
    // The same notification sent twice by Twitch.
    twitchEmulator.state.setDeliveryFaults({ duplicate: 1 })
    say('viewer_a', '2')
    await settle()

    const duplicated = twitchEmulator.state
      .listDeliveries()
      .filter((delivery) => delivery.duplicate === true)
    assert.isAtLeast(duplicated.length, 1)
    assert.deepEqual(await storedVotes(run, SEEDED.pat), [0, 1, 0])
  })

  test('a restart mid-poll keeps the counts: new instances read them from Redis', async ({
    client,
    assert,
  }) => {
    const { run } = await mixedLaunch(client)
    say('viewer_a', '3')
    say('viewer_b', '3')
    await twitchEmulator.state.eventsub.idle()

    // What a freshly started process builds: new tally, new counts service.
    const tally = new ChatVoteTally()
    const pat = channelOf(run, SEEDED.pat)
    assert.deepEqual(await tally.counts({ runId: run.id, channelId: pat.id }, 3), [0, 0, 2])
    const counts = await app.container.make(RunChatVotes)
    await counts.syncRun(run.id)
    assert.deepEqual(await storedVotes(run, SEEDED.pat), [0, 0, 2])

    // And a vote after the restart still counts once per chatter.
    say('viewer_a', '1')
    say('viewer_c', '1')
    await settle()
    assert.deepEqual(await storedVotes(run, SEEDED.pat), [1, 0, 2])
  })

  test('at the duration the chat vote closes, its counts join the totals and the result is posted', async ({
    client,
    assert,
  }) => {
    const { run } = await mixedLaunch(client)
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    say('viewer_a', '2')
    await settle()

    clock.advance({ seconds: 200 })
    const tick = await poller.tick(run.id)
    assert.isTrue(tick.finished)
    // Time is up: a vote now is refused.
    say('viewer_b', '2')
    await settle()
    const final = await runWithChannels(run.id)
    assert.equal(final.status, 'completed')
    assert.deepEqual(final.totals, [0, 1, 0])
    await waitUntil(() =>
      chatTexts(SEEDED.pat.id).some((text) => text.startsWith('Results (all channels)'))
    )
    assert.isNotNull(channelOf(final, SEEDED.pat).chatResultPostedAt)
  }).tags(['@run_end'])

  test('the GM can choose chat voting for every channel', async ({ client, assert }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    await grantChat(streamers[SEEDED.aria.login])
    await grantChat(streamers[SEEDED.pat.login])
    const poll = await preparedPoll(campaign)
    await launchRequest(client, gm, campaign, poll, launchKey(), 'chat')
    const run = await campaignRun(campaign)
    assert.equal(run.votingMode, 'chat')
    assert.equal(channelOf(run, SEEDED.aria).voting, 'chat')
    assert.isNull(channelOf(run, SEEDED.aria).twitchPollId)
    assert.equal(channelOf(run, SEEDED.pat).voting, 'chat')
    assert.isNotEmpty(chatTexts(SEEDED.aria.id))
  })
})

test.group('Chat voting: what the streamer is told', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)

  test('granting on a channel that votes in chat says that its viewers vote in chat', async ({
    client,
    assert,
  }) => {
    const { campaign, streamers } = await campaignWithChannels([SEEDED.pat])
    const pat = streamers[SEEDED.pat.login]
    const membership = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .where('streamer_id', pat.id)
      .firstOrFail()
    await pat.load('user')

    const response = await client
      .post(`/memberships/${membership.id}/grant`)
      .loginAs(pat.user)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertFlashMessage(
      'success',
      `Polls of "${campaign.name}" may run on your channel for the next 12 hours. ` +
        'Your viewers vote in chat: Chorus posts each question there.'
    )
    // The refresh on grant brought the chat permissions Twitch holds for the token.
    await pat.refresh()
    assert.includeMembers(pat.scopes, [...CHAT_VOTING_SCOPES])

    // Their dashboard says how their channel takes part, not only what it lacks.
    const dashboard = await client.get('/dashboard').loginAs(pat.user)
    assert.include(dashboard.text(), 'not an affiliate: your viewers vote in chat')
  })
})

test.group('Chat voting: channels that cannot vote in chat', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)

  test('a non-affiliate without the chat scopes is left out and asked to reconnect', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])

    // The streamer is invited in place to reconnect, on their dashboard.
    const dashboard = await client.get('/dashboard').loginAs(streamers[SEEDED.pat.login].user)
    dashboard.assertStatus(200)
    assert.include(dashboard.text(), 'reconnect to vote in chat')
    assert.include(dashboard.text(), 'Reconnect your Twitch account')
    const own = await client
      .get(`/campaigns/${campaign.id}`)
      .loginAs(streamers[SEEDED.pat.login].user)
    assert.include(own.text(), 'reconnect to vote in chat')

    const readiness = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm)
    readiness.assertStatus(200)
    assert.include(readiness.text(), 'reconnect to vote in chat')
    assert.include(readiness.text(), 'Voting: Twitch poll')

    const poll = await preparedPoll(campaign)
    await launchRequest(client, gm, campaign, poll)
    const run = await campaignRun(campaign)
    const pat = channelOf(run, SEEDED.pat)
    assert.equal(pat.outcome, 'skipped')
    assert.equal(pat.reason, 'needs_reconnect')
    assert.isNull(pat.voting)
    assert.lengthOf(chatTexts(SEEDED.pat.id), 0)
  })
})

test.group('Chat voting: Twitch events off', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group, { secret: '' })
  chatVoteSetup(group)

  test('a non-affiliate is left out: chat voting needs Twitch events', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    await grantChat(streamers[SEEDED.pat.login])

    const readiness = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm)
    assert.include(readiness.text(), 'Chat voting needs Twitch events')

    const poll = await preparedPoll(campaign)
    await launchRequest(client, gm, campaign, poll)
    const run = await campaignRun(campaign)
    assert.equal(channelOf(run, SEEDED.pat).reason, 'not_affiliate')
    assert.lengthOf(chatTexts(SEEDED.pat.id), 0)
  })
})
