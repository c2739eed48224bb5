import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import PollChannel from '#models/poll_channel'
import { ChatSubscriptionWatch } from '#services/chat_votes/chat_subscription_watch'
import { ResultsPush } from '#services/polls/results_push'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { apiCall, apiTokenOf } from '#tests/helpers/api'
import {
  campaignRun,
  campaignWithChannels,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions, settleEventSub } from '#tests/helpers/eventsub'
import { chatVoteSetup, grantChat, mixedCampaign } from '#tests/helpers/chat_votes'

function say(chatter: string, text: string, broadcasterId: string = SEEDED.pat.id) {
  return twitchEmulator.state.postViewerMessage({ broadcasterId, chatterLogin: chatter, text })
}

async function settle() {
  await twitchEmulator.state.eventsub.idle()
  const push = await app.container.make(ResultsPush)
  await push.flush()
}

function chatSubscriptionOf(broadcasterId: string) {
  return twitchEmulator.state
    .listSubscriptions()
    .find(
      (subscription) =>
        subscription.type === 'channel.chat.message' &&
        subscription.condition.broadcaster_user_id === broadcasterId &&
        subscription.status === 'enabled'
    )
}

/** Pat's channel as the GM's page (its JSON) and the API show it. */
async function patAsShown(
  client: ApiClient,
  gm: User,
  campaign: Campaign,
  runId: number,
  token: string
) {
  const page = await client.get(`/campaigns/${campaign.id}/runs/${runId}/results`).loginAs(gm)
  const api = await apiCall(client, 'get', `/api/v1/runs/${runId}`, token)
  const onPage = page
    .body()
    .channels.find((channel: { login: string }) => channel.login === SEEDED.pat.login)
  const inApi = api
    .body()
    .channels.find((channel: { twitch_login: string }) => channel.twitch_login === SEEDED.pat.login)
  return { onPage, inApi }
}

async function patVotes(runId: number) {
  const row = await PollChannel.query()
    .where('poll_run_id', runId)
    .where('twitch_user_id', SEEDED.pat.id)
    .firstOrFail()
  return row.votes
}

/**
 * Twitch stops delivering a chat channel's messages mid-vote and the
 * revocation never arrives: Chorus notices by asking Twitch, shows the GM
 * "chat votes interrupted", subscribes again, and later votes count.
 */
test.group('Chat voting: delivery stops mid-vote', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group, { chatWatchIntervalMs: 250 })
  chatVoteSetup(group)

  test('the GM sees the interruption, the subscription comes back by itself, later votes count', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const token = await apiTokenOf(gm)
    const launched = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    launched.assertStatus(302)
    const run = await campaignRun(campaign)

    const watch = await app.container.make(ChatSubscriptionWatch)
    watch.start()
    try {
      say('viewer_a', '1')
      await settle()
      assert.deepEqual(await patVotes(run.id), [1, 0, 0])
      const before = await patAsShown(client, gm, campaign, run.id, token)
      assert.isFalse(before.onPage.votingInterrupted)
      assert.equal(before.onPage.voting, 'chat')
      assert.isFalse(before.inApi.voting_interrupted)

      // Twitch gives up on the subscription and the revocation is lost, as
      // the emulator's control route does it over HTTP; the new
      // subscription's challenge will take a while.
      const lost = chatSubscriptionOf(SEEDED.pat.id)!
      const revoked = await fetch(
        `${twitchEmulator.url}/_emulator/eventsub/subscriptions/${lost.id}/revoke`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 'notification_failures_exceeded', notify: false }),
        }
      )
      assert.equal(revoked.status, 200)
      twitchEmulator.state.setDeliveryFaults({ verificationDelayMs: 1500 })

      // Twitch delivers nothing meanwhile: this vote is lost on Twitch's side.
      say('viewer_b', '2')

      // Noticed by asking Twitch, shown on the page and in the API.
      await waitUntil(async () => {
        const shown = await patAsShown(client, gm, campaign, run.id, token)
        return shown.onPage.votingInterrupted && shown.inApi.voting_interrupted
      }, 10_000)
      const during = await patAsShown(client, gm, campaign, run.id, token)
      assert.isTrue(during.onPage.votingInterrupted)
      const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
      assert.include(page.text(), 'chat votes interrupted')

      // Resubscribed without any revocation message; once Twitch enables it, the page clears.
      await waitUntil(async () => {
        const shown = await patAsShown(client, gm, campaign, run.id, token)
        return !shown.onPage.votingInterrupted && !shown.inApi.voting_interrupted
      }, 15_000)
      const back = chatSubscriptionOf(SEEDED.pat.id)!
      assert.notEqual(back.id, lost.id)
      assert.lengthOf(
        twitchEmulator.state.listDeliveries({ messageType: 'revocation' }),
        0,
        'the revocation never reached Chorus'
      )

      // Votes after the recovery count.
      say('viewer_c', '3')
      say('viewer_d', '1')
      await settle()
      assert.deepEqual(await patVotes(run.id), [2, 0, 1])
      const after = await patAsShown(client, gm, campaign, run.id, token)
      assert.equal(after.onPage.voting, 'chat')
      assert.isFalse(after.onPage.votingInterrupted)
    } finally {
      await watch.stop()
    }
  })

  test('the end settles an interruption: an ended run no longer says "chat votes interrupted"', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const token = await apiTokenOf(gm)
    const launched = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    launched.assertStatus(302)
    const run = await campaignRun(campaign)

    // Twitch drops Pat's chat silently, and holds the new subscription's
    // challenge: the run is still interrupted when the GM ends it.
    const lost = chatSubscriptionOf(SEEDED.pat.id)!
    twitchEmulator.state.revokeSubscription(lost.id, 'notification_failures_exceeded', {
      notify: false,
    })
    twitchEmulator.state.setDeliveryFaults({ verificationDelayMs: 5000 })
    const watch = await app.container.make(ChatSubscriptionWatch)
    await watch.check()
    const during = await patAsShown(client, gm, campaign, run.id, token)
    assert.isTrue(during.onPage.votingInterrupted)
    assert.isTrue(during.inApi.voting_interrupted)

    const ended = await apiCall(client, 'post', `/api/v1/runs/${run.id}/end`, token)
    ended.assertStatus(200)
    const pat = ended
      .body()
      .channels.find(
        (channel: { twitch_login: string }) => channel.twitch_login === SEEDED.pat.login
      )
    assert.isFalse(pat.voting_interrupted)
    const after = await patAsShown(client, gm, campaign, run.id, token)
    assert.isFalse(after.onPage.votingInterrupted)
    assert.equal(after.onPage.voting, 'chat')
    assert.isFalse(after.onPage.votingInterrupted)
    assert.isFalse(after.inApi.voting_interrupted)
    // The page's rows, not its script's words (which name every state).
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    const rows = page.text().slice(page.text().indexOf('<table class="poll-channels">'))
    assert.notInclude(rows.slice(0, rows.indexOf('</table>')), 'chat votes interrupted')
    assert.notInclude(page.text(), 'data-voting-interrupted="true"')
  })

  test('a launch asks Twitch, not only its table: a chat subscription Twitch dropped silently is made again first', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    await reconcileSubscriptions()
    const dropped = chatSubscriptionOf(SEEDED.pat.id)!
    twitchEmulator.state.revokeSubscription(dropped.id, 'notification_failures_exceeded', {
      notify: false,
    })
    // Chorus's table still says enabled.
    const row = await db
      .from('eventsub_subscriptions')
      .where('twitch_subscription_id', dropped.id)
      .first()
    assert.equal(row.status, 'enabled')

    const launched = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    launched.assertStatus(302)
    const run = await campaignRun(campaign)
    const pat = run.channels.find((channel) => channel.twitchUserId === SEEDED.pat.id)!
    assert.equal(pat.outcome, 'created')
    assert.equal(pat.voting, 'chat')

    // The question went out only once a new subscription was enabled: a
    // vote right after it counts.
    const renewed = chatSubscriptionOf(SEEDED.pat.id)!
    assert.notEqual(renewed.id, dropped.id)
    say('viewer_a', '2')
    await settle()
    assert.deepEqual(await patVotes(run.id), [0, 1, 0])
  })

  test('one listing request checks every chat channel; no request while no chat vote runs', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.pat, SEEDED.bram])
    await grantChat(streamers[SEEDED.pat.login])
    await grantChat(streamers[SEEDED.bram.login])
    const watch = await app.container.make(ChatSubscriptionWatch)
    const lists = () => twitchEmulator.state.stats().counts['eventsub.list'] ?? 0

    // No run: nothing asked.
    const idle = lists()
    assert.isNull(await watch.check())
    assert.equal(lists(), idle)

    const poll = await preparedPoll(campaign)
    const response = await launchRequest(client, gm, campaign, poll, undefined, 'chat')
    response.assertStatus(302)
    const run = await campaignRun(campaign)
    assert.deepEqual(
      run.channels.map((channel) => [channel.twitchLogin, channel.voting, channel.outcome]).sort(),
      [
        [SEEDED.bram.login, 'chat', 'created'],
        [SEEDED.pat.login, 'chat', 'created'],
      ]
    )
    // The checks the subscriptions' verifications started are over.
    await settleEventSub()
    const before = lists()
    assert.deepEqual(await watch.check(), { watched: 2, lost: 0, runsChanged: 0 })
    assert.equal(lists() - before, 1)
  })
})
