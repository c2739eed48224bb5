import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Streamer from '#models/streamer'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  launchedPoll,
  pollTestSetup,
  runWithChannels,
  SEEDED,
} from '#tests/helpers/polls'
import {
  eventsubTestSetup,
  pollProgressBody,
  postToWebhook,
  reconcileSubscriptions,
  settleEventSub,
  signedMessage,
  WEBHOOK_URL,
} from '#tests/helpers/eventsub'

function stamp(at: { toUTC(): { toISO(): string | null } }) {
  return at.toUTC().toISO()!.replace('Z', '000000Z')
}

function verification(
  subscription: { id?: string; type: string; condition: Record<string, string> },
  callback = WEBHOOK_URL
) {
  return signedMessage(
    {
      challenge: `challenge-${randomUUID()}`,
      subscription: {
        id: subscription.id ?? randomUUID(),
        type: subscription.type,
        version: '1',
        status: 'webhook_callback_verification_pending',
        condition: subscription.condition,
        transport: { method: 'webhook', callback },
      },
    },
    { type: 'webhook_callback_verification', subscriptionType: subscription.type }
  )
}

async function storedIds() {
  const rows = await db.from('eventsub_subscriptions').select('twitch_subscription_id')
  return rows.map((row) => row.twitch_subscription_id as string)
}

/**
 * What a signed message may not do: arrive from the future, speak for
 * another application, or make Chorus confirm a subscription it did not ask
 * for.
 */
test.group('EventSub: messages Chorus does not trust', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)

  test('a message up to 10 minutes old or ahead is handled; beyond either edge it is ignored', async ({
    client,
    assert,
  }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const pollId = pollIdOf(SEEDED.aria)
    const now = clock.now()
    const cases = [
      { at: now.plus({ minutes: 10, milliseconds: 1 }), votes: [9, 9, 9], handled: false },
      { at: now.minus({ minutes: 10, milliseconds: 1 }), votes: [8, 8, 8], handled: false },
      { at: now.plus({ years: 1 }), votes: [7, 7, 7], handled: false },
      { at: now.minus({ minutes: 10 }), votes: [1, 0, 0], handled: true },
      { at: now.plus({ minutes: 10 }), votes: [2, 0, 0], handled: true },
    ]
    for (const { at, votes, handled } of cases) {
      const message = signedMessage(pollProgressBody(SEEDED.aria.id, pollId, votes), {
        timestamp: stamp(at),
      })
      const answer = await postToWebhook(message.raw, message.headers)
      if (handled) {
        assert.equal(answer.status, 204)
      } else {
        assert.equal(answer.status, 200)
        assert.include(answer.text, 'ignored')
      }
    }
    const channel = channelOf(await runWithChannels(run.id), SEEDED.aria)
    assert.deepEqual(channel.votes, [2, 0, 0])
  })

  test('a user.authorization.revoke for another application changes nothing', async ({
    assert,
  }) => {
    const { streamers } = await campaignWithChannels([SEEDED.aria])
    const body = (clientId: string) => ({
      subscription: {
        id: randomUUID(),
        type: 'user.authorization.revoke',
        version: '1',
        status: 'enabled',
        condition: { client_id: clientId },
      },
      event: {
        client_id: clientId,
        user_id: SEEDED.aria.id,
        user_login: SEEDED.aria.login,
        user_name: null,
      },
    })
    const foreign = signedMessage(body('another-application'), {
      subscriptionType: 'user.authorization.revoke',
    })
    const foreignAnswer = await postToWebhook(foreign.raw, foreign.headers)
    assert.equal(foreignAnswer.status, 204)
    const untouched = await Streamer.findOrFail(streamers[SEEDED.aria.login].id)
    assert.isTrue(untouched.isActive)
    assert.isNotNull(untouched.accessTokenEncrypted)

    // Ours still deactivates.
    const ours = signedMessage(body('chorus-test-client'), {
      subscriptionType: 'user.authorization.revoke',
    })
    const oursAnswer = await postToWebhook(ours.raw, ours.headers)
    assert.equal(oursAnswer.status, 204)
    const revoked = await Streamer.findOrFail(streamers[SEEDED.aria.login].id)
    assert.isFalse(revoked.isActive)
    assert.isNull(revoked.accessTokenEncrypted)
  })

  test('a verification for a subscription Chorus does not want is refused and not recorded', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    const refused = [
      // A channel no campaign of Chorus has.
      verification({ type: 'channel.poll.progress', condition: { broadcaster_user_id: '4242' } }),
      // A type Chorus never subscribes to.
      verification({ type: 'channel.follow', condition: { broadcaster_user_id: SEEDED.aria.id } }),
      // Aria's chat: she did not grant the chat scopes.
      verification({
        type: 'channel.chat.message',
        condition: { broadcaster_user_id: SEEDED.aria.id, user_id: SEEDED.aria.id },
      }),
      // Another application's revocations.
      verification({ type: 'user.authorization.revoke', condition: { client_id: 'someone' } }),
      // Ours, but to someone else's callback.
      verification(
        { type: 'channel.poll.progress', condition: { broadcaster_user_id: SEEDED.aria.id } },
        'https://elsewhere.example/webhook'
      ),
    ]
    for (const message of refused) {
      const answer = await postToWebhook(message.raw, message.headers)
      assert.equal(answer.status, 403)
      assert.notInclude(answer.text, 'challenge-')
    }
    assert.deepEqual(await storedIds(), [])
  })

  test('an answered verification records nothing Chorus did not create; a challenge that beats the create answer still enables it', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    // Wanted (type and condition), but an id no create call of Chorus returned.
    const stranger = verification({
      type: 'channel.poll.progress',
      condition: { broadcaster_user_id: SEEDED.aria.id },
    })
    const answer = await postToWebhook(stranger.raw, stranger.headers)
    assert.equal(answer.status, 200)
    assert.match(answer.text, /^challenge-/)
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/)
    assert.deepEqual(await storedIds(), [])

    // Twitch's create answer for that id arrives after the challenge: it is
    // recorded from that answer, enabled.
    const id = (JSON.parse(stranger.raw) as { subscription: { id: string } }).subscription.id
    const store = await app.container.make(SubscriptionStore)
    await store.recordCreated([
      {
        id,
        type: 'channel.poll.progress',
        version: '1',
        status: 'webhook_callback_verification_pending',
        condition: { broadcaster_user_id: SEEDED.aria.id },
      },
    ])
    const row = await db.from('eventsub_subscriptions').where('twitch_subscription_id', id).first()
    assert.equal(row.status, 'enabled')
  })

  test('a revocation after failed deliveries replaces the subscription at once, without waiting for a pass', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    await reconcileSubscriptions()
    const progress = twitchEmulator.state
      .listSubscriptions()
      .find((subscription) => subscription.type === 'channel.poll.progress')!
    const listsBefore = twitchEmulator.state.stats().counts['eventsub.list'] ?? 0

    twitchEmulator.state.revokeSubscription(progress.id, 'notification_failures_exceeded')
    await settleEventSub()

    const now = twitchEmulator.state
      .listSubscriptions()
      .filter((subscription) => subscription.type === 'channel.poll.progress')
    assert.lengthOf(now, 1)
    assert.notEqual(now[0].id, progress.id)
    assert.equal(now[0].status, 'enabled')
    // Only that streamer's subscriptions were listed to do it.
    assert.equal((twitchEmulator.state.stats().counts['eventsub.list'] ?? 0) - listsBefore, 1)
    const stored = await db
      .from('eventsub_subscriptions')
      .where('type', 'channel.poll.progress')
      .select('twitch_subscription_id', 'status')
    assert.deepEqual(stored, [{ twitch_subscription_id: now[0].id, status: 'enabled' }])
  })
})
