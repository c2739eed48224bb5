import { test } from '@japa/runner'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { buildInjected } from '#providers/injected_singleton'
import Streamer from '#models/streamer'
import { ChatVoteTally } from '#services/chat_votes/chat_vote_tally'
import { bootWebInstance, type WebInstance } from '#tests/helpers/web_instance'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  emulatorVotes,
  helixCount,
  launchRequest,
  launchRun,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { eventsubTestSetup, notificationsOf } from '#tests/helpers/eventsub'
import { chatVoteSetup, grantChat } from '#tests/helpers/chat_votes'
import { runAce } from '#tests/helpers/child_process'
import { reconcileSubscriptions } from '#tests/helpers/eventsub'
import app from '@adonisjs/core/services/app'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'

/** The keepalive Chorus asks Twitch for (EventSubSettings.keepaliveSeconds). */
const KEEPALIVE_MS = 10_000

/** A web instance receiving Twitch's events over the conduit: no secret, no callback. */
function conduitInstance(overrides: Record<string, string> = {}): Promise<WebInstance> {
  return bootWebInstance({
    LOG_LEVEL: 'debug',
    TWITCH_EVENTSUB_TRANSPORT: 'conduit',
    TWITCH_EVENTSUB_SECRET: '',
    TWITCH_EVENTSUB_WS_URL: twitchEmulator.websocketUrl,
    ...overrides,
  })
}

function conduit() {
  const [only, ...others] = twitchEmulator.state.eventsub.conduits.all()
  if (others.length > 0) throw new Error('more than one conduit')
  return only
}

/** Every shard of the one conduit enabled, `count` of them, each on a live session. */
function shardsReady(count: number) {
  const current = conduit()
  return (
    current !== undefined &&
    current.shards.length === count &&
    current.shards.every(
      (shard) =>
        shard.status === 'enabled' && twitchEmulator.state.eventsub.sockets.has(shard.sessionId!)
    )
  )
}

/** `count` subscriptions, all enabled on the conduit. */
function subscribedOnConduit(count: number) {
  const subscriptions = twitchEmulator.state.listSubscriptions()
  return (
    subscriptions.length === count &&
    subscriptions.every(
      (subscription) =>
        subscription.status === 'enabled' && subscription.transport.method === 'conduit'
    )
  )
}

async function storedVotesMatch(runId: number, accounts: (typeof SEEDED)[keyof typeof SEEDED][]) {
  const run = await runWithChannels(runId)
  return accounts.every((account) => {
    const channel = channelOf(run, account)
    return JSON.stringify(channel.votes) === JSON.stringify(emulatorVotes(channel.twitchPollId!))
  })
}

test.group('EventSub over a conduit (WebSocket shards, no public address)', (group) => {
  group.each.timeout(120_000)
  pollTestSetup(group)
  eventsubTestSetup(group, { transport: 'conduit', secret: '' })
  chatVoteSetup(group)

  test('a lone instance whose shard Twitch disables while its session lives puts the session back by itself', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    const instance = await conduitInstance({ TWITCH_EVENTSUB_SHARD_CHECK_MS: '1000' })
    try {
      await waitUntil(() => shardsReady(1), 20_000)
      const current = conduit()
      const [sessionId] = current.shards.map((shard) => shard.sessionId!)
      // No other shard: the conduit.shard.disabled event reaches nobody.
      twitchEmulator.state.eventsub.disableShard(
        current,
        current.shards[0],
        'websocket_network_error'
      )
      assert.isFalse(shardsReady(1))

      await waitUntil(() => shardsReady(1), 15_000)
      assert.equal(conduit().shards[0].sessionId, sessionId, 'the same session, put back')
      await waitUntil(() => instance.output().includes('our session is back on its shard'), 5_000)

      // Events reach the instance again.
      await waitUntil(() => subscribedOnConduit(5), 20_000)
      const run = await launchRun(client, gm, campaign, await preparedPoll(campaign))
      const pollId = channelOf(run, SEEDED.aria).twitchPollId!
      twitchEmulator.state.castVotes(pollId, 0, 2)
      await waitUntil(() => storedVotesMatch(run.id, [SEEDED.aria]), 10_000)
    } finally {
      await instance.stop()
    }
  })

  test('a boot makes the conduit, its shard and subscriptions; votes arrive by event through reconnects; a revocation deactivates', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const instance = await conduitInstance()
    try {
      // 3 poll types × 2 channels, the revoke, conduit.shard.disabled.
      await waitUntil(() => shardsReady(1) && subscribedOnConduit(8), 20_000)
      const [sessionId] = conduit().shards.map((shard) => shard.sessionId!)

      const run = await launchRun(client, gm, campaign, await preparedPoll(campaign))
      const pollId = channelOf(run, SEEDED.aria).twitchPollId!
      const readsBefore = helixCount('polls.get')
      for (let vote = 0; vote < 5; vote++) {
        twitchEmulator.state.castVotes(pollId, vote % 2, 1)
      }
      await waitUntil(() => storedVotesMatch(run.id, [SEEDED.aria]), 10_000)
      assert.deepEqual(emulatorVotes(pollId), [3, 2, 0])
      assert.equal(helixCount('polls.get'), readsBefore, 'no Helix read while events arrive')

      // Twitch asks for a reconnect; votes keep flowing meanwhile.
      twitchEmulator.state.eventsub.sockets.requestReconnect(sessionId)
      for (let vote = 0; vote < 5; vote++) {
        twitchEmulator.state.castVotes(pollId, 1, 1)
      }
      await waitUntil(
        () =>
          twitchEmulator.state.eventsub.sockets.list().length === 1 &&
          !twitchEmulator.state.eventsub.sockets.list()[0].reconnecting,
        10_000
      )
      twitchEmulator.state.castVotes(pollId, 0, 1)
      await waitUntil(() => storedVotesMatch(run.id, [SEEDED.aria]), 10_000)
      assert.deepEqual(emulatorVotes(pollId), [4, 7, 0])
      assert.equal(conduit().shards[0].sessionId, sessionId, 'the session keeps its id')
      await waitUntil(() => instance.output().includes('moved to its reconnect URL'), 5_000)

      // Silence past the keepalive: a fresh session takes the shard.
      twitchEmulator.state.eventsub.sockets.silence(sessionId)
      await waitUntil(
        () => shardsReady(1) && conduit().shards[0].sessionId !== sessionId,
        KEEPALIVE_MS + 10_000
      )
      twitchEmulator.state.castVotes(pollId, 0, 1)
      await waitUntil(() => storedVotesMatch(run.id, [SEEDED.aria]), 10_000)
      assert.equal(helixCount('polls.get'), readsBefore)

      // Twitch closes the session with one of its codes: a new one takes the shard.
      const closedSession = conduit().shards[0].sessionId!
      twitchEmulator.state.eventsub.sockets.close(closedSession, 4005)
      await waitUntil(
        () => shardsReady(1) && conduit().shards[0].sessionId !== closedSession,
        10_000
      )
      // The instance's log line may land a moment after the new session.
      await waitUntil(() => instance.output().includes('network timeout'), 5_000)

      // Aria disconnects Chorus on Twitch: the revoke arrives over the conduit.
      twitchEmulator.state.disconnectUser(SEEDED.aria.id, 'chorus-test-client')
      await waitUntil(async () => {
        const streamer = await Streamer.findByOrFail('twitch_user_id', SEEDED.aria.id)
        return !streamer.isActive
      }, 10_000)
      const aria = await Streamer.findByOrFail('twitch_user_id', SEEDED.aria.id)
      assert.isNull(aria.accessTokenEncrypted)
    } finally {
      await instance.stop()
    }
    // A clean stop frees the shard at once and leaves no session behind.
    await waitUntil(() => twitchEmulator.state.eventsub.sockets.list().length === 0)
  })

  test('webhook subscriptions left from before the switch are replaced by conduit ones', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    const conduitSettings = await app.container.make(EventSubSettings)
    const webhookSettings = Object.assign(new EventSubSettings(), {
      transport: 'webhook',
      secret: 'chorus-test-eventsub-secret',
      callbackUrl: conduitSettings.callbackUrl,
    })
    // A reconciler holds the settings it was built with: one for each transport.
    const useSettings = async (settings: EventSubSettings) => {
      app.container.swap(EventSubSettings, () => settings)
      const reconciler = await buildInjected(app.container, SubscriptionReconciler)
      app.container.swap(SubscriptionReconciler, () => reconciler)
    }
    await useSettings(webhookSettings)
    await reconcileSubscriptions()
    const before = twitchEmulator.state.listSubscriptions()
    assert.lengthOf(before, 4)
    assert.isTrue(before.every((subscription) => subscription.transport.method === 'webhook'))

    await useSettings(conduitSettings)
    const report = await reconcileSubscriptions()
    assert.include(report!, { deleted: 4, created: 5 })
    const after = twitchEmulator.state.listSubscriptions()
    assert.isTrue(after.every((subscription) => subscription.transport.method === 'conduit'))
    assert.sameMembers(
      after.map((subscription) => subscription.type),
      [
        'channel.poll.begin',
        'channel.poll.progress',
        'channel.poll.end',
        'user.authorization.revoke',
        'conduit.shard.disabled',
      ]
    )
    assert.lengthOf(twitchEmulator.state.eventsub.conduits.all(), 1, 'the conduit, created once')
  })

  test('two instances: chat votes on a non-affiliate count once though redelivered on the other shard; a SIGKILL moves delivery and the shard', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.pat])
    await grantChat(streamers[SEEDED.pat.login])
    const first = await conduitInstance()
    const second = await conduitInstance()
    const instances = [first, second]
    try {
      await waitUntil(() => shardsReady(2), 20_000)

      const launched = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
      launched.assertStatus(302)
      const run = await campaignRun(campaign)
      const pat = channelOf(run, SEEDED.pat)
      assert.equal(pat.voting, 'chat')

      // Every chat message delivered twice, the copy on the other shard.
      twitchEmulator.state.setDeliveryFaults({ duplicate: 10 })
      for (let viewer = 0; viewer < 10; viewer++) {
        twitchEmulator.state.postViewerMessage({
          broadcasterId: SEEDED.pat.id,
          chatterLogin: `viewer_${viewer}`,
          text: String((viewer % 3) + 1),
        })
      }
      const tally = new ChatVoteTally()
      const counted = () => tally.counts({ runId: run.id, channelId: pat.id }, 3)
      const total = async () => {
        const votes = await counted()
        return votes.reduce((sum, count) => sum + count, 0)
      }
      await waitUntil(async () => (await total()) >= 10, 10_000)
      await twitchEmulator.state.eventsub.idle()
      const copies = notificationsOf('channel.chat.message').filter(
        (delivery) => delivery.outcome === 'ok'
      )
      // The ten votes went out twice each, the two copies on different shards
      // (the question Chorus posted came through once, before the fault).
      const shardsOf = new Map<string, string[]>()
      for (const copy of copies) {
        shardsOf.set(copy.messageId, [...(shardsOf.get(copy.messageId) ?? []), copy.callback])
      }
      const twice = [...shardsOf.values()].filter((shards) => shards.length === 2)
      assert.lengthOf(twice, 10)
      assert.isTrue(
        twice.every(([one, other]) => one !== other),
        'copies on two shards'
      )
      assert.deepEqual(await counted(), [4, 3, 3])

      // Twitch disables shard 0 while its session lives: conduit.shard.disabled
      // reaches the other shard's instance, which puts the owner's session back.
      const current = conduit()
      twitchEmulator.state.eventsub.disableShard(
        current,
        current.shards[0],
        'websocket_network_error'
      )
      assert.equal(current.shards[0].status, 'websocket_network_error')
      await waitUntil(() => shardsReady(2), 10_000)
      const logs = () => instances.map((instance) => instance.output()).join('\n')
      assert.include(logs(), 'Twitch disabled a conduit shard')
      // Logged once Twitch answered the instance, which can come after the emulator enabled the shard.
      await waitUntil(() => logs().includes('a disabled shard is back on its session'), 5_000)

      // One instance dies without a word: delivery moves, its shard is reassigned.
      const killedAt = Date.now()
      await first.kill()
      for (let viewer = 10; viewer < 14; viewer++) {
        twitchEmulator.state.postViewerMessage({
          broadcasterId: SEEDED.pat.id,
          chatterLogin: `viewer_${viewer}`,
          text: '1',
        })
      }
      await waitUntil(async () => (await total()) === 14, KEEPALIVE_MS + 10_000)
      await waitUntil(() => shardsReady(1), KEEPALIVE_MS + 10_000)
      const failoverMs = Date.now() - killedAt
      assert.isAtMost(failoverMs, KEEPALIVE_MS + 10_000)
      assert.deepEqual(await counted(), [8, 3, 3])
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()))
    }
  })
})

test.group('EventSub transport setting', () => {
  test('an unknown transport or a WebSocket URL that is not ws(s) stops the boot, saying why', async ({
    assert,
  }) => {
    const transport = await runAce(['list'], { TWITCH_EVENTSUB_TRANSPORT: 'pigeon' })
    assert.notEqual(transport.code, 0)
    assert.include(transport.stderr + transport.stdout, 'TWITCH_EVENTSUB_TRANSPORT')
    const url = await runAce(['list'], { TWITCH_EVENTSUB_WS_URL: 'https://example.com/ws' })
    assert.notEqual(url.code, 0)
    assert.include(url.stderr + url.stdout, 'must be a ws:// or wss:// URL')
  })
})
