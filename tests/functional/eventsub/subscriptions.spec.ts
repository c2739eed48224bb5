import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import CampaignMembership from '#models/campaign_membership'
import { TwitchAppToken } from '#services/twitch/twitch_app_token'
import { TwitchEventSubClient } from '#services/twitch/twitch_eventsub_client'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import app from '@adonisjs/core/services/app'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { submit } from '#tests/helpers/campaigns'
import {
  campaignWithChannels,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions } from '#tests/helpers/eventsub'
import PollRun from '#models/poll_run'
import { PollResultsPoller } from '#services/polls/poll_results_poller'

const POLL_TYPES = ['channel.poll.begin', 'channel.poll.end', 'channel.poll.progress']

function onTwitch(broadcasterId?: string) {
  return twitchEmulator.state
    .listSubscriptions()
    .filter(
      (subscription) =>
        broadcasterId === undefined || subscription.condition.broadcaster_user_id === broadcasterId
    )
}

function typesOf(subscriptions: { type: string }[]) {
  return subscriptions.map((subscription) => subscription.type).sort()
}

/**
 * What Chorus subscribes to, and how it keeps that in step with Twitch.
 */
test.group('EventSub subscriptions', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)

  test('one app access token serves every call, renewed once when Twitch refuses it', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    await reconcileSubscriptions()
    await reconcileSubscriptions()
    const counts = () => twitchEmulator.state.stats().counts
    assert.equal(counts()['token.client_credentials'], 1)

    // Twitch kills the token early: the next call gets a 401, renews, retries.
    twitchEmulator.state.invalidateAppTokens('chorus-test-client')
    const client = await app.container.make(TwitchEventSubClient)
    const listed = await client.list()
    assert.lengthOf(listed, 4)
    assert.equal(counts()['token.client_credentials'], 2)

    // Single flight: callers asking at once while no token is cached get one.
    const tokens = await app.container.make(TwitchAppToken)
    await tokens.forget()
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.get()))
    assert.lengthOf(new Set(all), 1)
    assert.equal(counts()['token.client_credentials'], 3)
  })

  test('granting the authorization subscribes the channel at once', async ({ client, assert }) => {
    const { streamers } = await campaignWithChannels([SEEDED.bram])
    await CampaignMembership.query().update({
      pollAuthorizationGrantedAt: null,
      pollAuthorizationExpiresAt: null,
    })
    const membership = await CampaignMembership.firstOrFail()
    const streamer = streamers[SEEDED.bram.login]
    await streamer.load('user')

    const response = await submit(
      client,
      'post',
      `/memberships/${membership.id}/grant`,
      streamer.user
    )
    response.assertStatus(302)
    // The grant stores the scopes Twitch confirms, chat ones included: the
    // channel's chat is subscribed too (docs/chat-voting.md).
    await waitUntil(() => onTwitch(SEEDED.bram.id).length === 4)
    await twitchEmulator.state.eventsub.idle()
    assert.deepEqual(typesOf(onTwitch(SEEDED.bram.id)), ['channel.chat.message', ...POLL_TYPES])
    assert.isTrue(
      onTwitch(SEEDED.bram.id).every((subscription) => subscription.status === 'enabled')
    )
  })

  test('an expired authorization is unsubscribed by the next reconciliation', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    await reconcileSubscriptions()
    assert.lengthOf(onTwitch(SEEDED.aria.id), 3)

    await CampaignMembership.query()
      .whereHas('streamer', (streamer) => streamer.where('twitch_user_id', SEEDED.aria.id))
      .update({ pollAuthorizationExpiresAt: clock.now().minus({ minutes: 1 }).toJSDate() })
    const report = await reconcileSubscriptions()

    assert.equal(report?.deleted, 3)
    assert.lengthOf(onTwitch(SEEDED.aria.id), 0)
    assert.lengthOf(onTwitch(SEEDED.bram.id), 3)
    const stored = await db
      .from('eventsub_subscriptions')
      .where('broadcaster_user_id', SEEDED.aria.id)
    assert.lengthOf(stored, 0)
  })

  test('a whole pass forgets what Twitch no longer lists, not what was created after its listing', async ({
    assert,
  }) => {
    const store = await app.container.make(SubscriptionStore)
    const row = (id: string) => ({
      id,
      type: 'channel.poll.progress',
      version: '1',
      condition: { broadcaster_user_id: SEEDED.aria.id },
      status: 'enabled',
    })
    await store.record([row('gone-from-twitch')])
    const listedAt = clock.now()
    // A streamer's own pass subscribes while the whole pass is between its listing and its write.
    clock.advance({ seconds: 1 })
    await store.record([row('created-meanwhile')])

    await store.keepOnly([], listedAt)

    const left = await db.from('eventsub_subscriptions').select('twitch_subscription_id')
    assert.deepEqual(
      left.map((stored) => stored.twitch_subscription_id),
      ['created-meanwhile']
    )
  })

  test('what Twitch revoked after failed deliveries is recreated; a lost authorization is not', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    await reconcileSubscriptions()
    const ariaProgress = onTwitch(SEEDED.aria.id).find(
      (subscription) => subscription.type === 'channel.poll.progress'
    )!
    const bramEnd = onTwitch(SEEDED.bram.id).find(
      (subscription) => subscription.type === 'channel.poll.end'
    )!
    twitchEmulator.state.revokeSubscription(ariaProgress.id, 'notification_failures_exceeded')
    twitchEmulator.state.revokeSubscription(bramEnd.id, 'user_removed')
    await twitchEmulator.state.eventsub.idle()
    // The revocation messages reached the webhook and were accepted (the
    // copy it wrote may already be replaced: a revocation worth recreating
    // starts a reconciliation in the background).
    for (const revoked of [ariaProgress, bramEnd]) {
      const answers = twitchEmulator.state.listDeliveries({
        subscriptionId: revoked.id,
        messageType: 'revocation',
      })
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [204]
      )
    }

    await reconcileSubscriptions()
    const ariaNow = onTwitch(SEEDED.aria.id)
    assert.deepEqual(typesOf(ariaNow), POLL_TYPES)
    assert.isFalse(ariaNow.some((subscription) => subscription.id === ariaProgress.id))
    assert.isTrue(ariaNow.every((subscription) => subscription.status === 'enabled'))
    // user_removed is not worth recreating: Bram's channel has no end events
    // (the dead one stays listed until it is no longer wanted).
    const bramNow = onTwitch(SEEDED.bram.id)
    assert.deepEqual(
      bramNow
        .filter((subscription) => subscription.status === 'enabled')
        .map((s) => s.type)
        .sort(),
      ['channel.poll.begin', 'channel.poll.progress']
    )
    assert.equal(
      bramNow.find((subscription) => subscription.id === bramEnd.id)?.status,
      'user_removed'
    )
  })

  test('a channel whose subscriptions failed is read from Helix; the launch is not held up', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    await reconcileSubscriptions()
    // Twitch ended Bram's progress events (for a reason not worth a retry).
    const bramProgress = onTwitch(SEEDED.bram.id).find(
      (subscription) => subscription.type === 'channel.poll.progress'
    )!
    twitchEmulator.state.revokeSubscription(bramProgress.id, 'user_removed')
    await twitchEmulator.state.eventsub.idle()

    const launched = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    launched.assertStatus(302)
    const { id } = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    const poller = await app.container.make(PollResultsPoller)
    await poller.tick(id)
    const run = await runWithChannels(id)
    const via = Object.fromEntries(
      run.channels.map((channel) => [channel.twitchLogin, channel.resultsVia])
    )
    assert.deepEqual(via, { aria_plays: 'events', bram_rolls: 'polling' })

    const page = await client.get(`/campaigns/${campaign.id}/runs/${id}`).loginAs(gm)
    page.assertTextIncludes('live by event')
    page.assertTextIncludes('read by polling')
  })
})
