import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import redis from '@adonisjs/redis/services/main'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  emulatorVotes,
  helixCount,
  launchedPoll,
  pollTestSetup,
  runWithChannels,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import {
  eventsubTestSetup,
  launchWithEvents,
  notificationsOf,
  pollProgressBody,
  postToWebhook,
  webhookStatus,
  reconcileSubscriptions,
  signedMessage,
} from '#tests/helpers/eventsub'

async function storedVotes(runId: number, account: (typeof SEEDED)[keyof typeof SEEDED]) {
  const run = await runWithChannels(runId)
  return channelOf(run, account)
}

/**
 * Twitch's deliveries reach POST /webhooks/twitch/eventsub: signatures,
 * age, the challenge, each message handled once.
 */
test.group('EventSub webhook', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)

  test('the challenge round trip: subscriptions made through the emulator end up enabled', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const report = await reconcileSubscriptions()

    // Three poll types per channel, and one app-wide revocation subscription.
    assert.deepEqual(report, { kept: 0, created: 7, deleted: 0, failed: 0 })
    const onTwitch = twitchEmulator.state.listSubscriptions()
    assert.lengthOf(onTwitch, 7)
    assert.isTrue(onTwitch.every((subscription) => subscription.status === 'enabled'))
    const challenges = twitchEmulator.state.listDeliveries({
      messageType: 'webhook_callback_verification',
    })
    assert.lengthOf(challenges, 7)
    assert.isTrue(challenges.every((delivery) => delivery.status === 200))

    const stored = await db.from('eventsub_subscriptions').select('type', 'status')
    assert.lengthOf(stored, 7)
    assert.isTrue(stored.every((row) => row.status === 'enabled'))

    // A second pass finds everything in place.
    assert.deepEqual(await reconcileSubscriptions(), { kept: 7, created: 0, deleted: 0, failed: 0 })
  })

  test('the challenge is answered 200 text/plain with the challenge only', async ({ assert }) => {
    await campaignWithChannels([SEEDED.aria])
    const message = signedMessage(
      {
        challenge: 'pogchamp-kappa-360noscope',
        subscription: {
          id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
          type: 'channel.poll.progress',
          version: '1',
          status: 'webhook_callback_verification_pending',
          condition: { broadcaster_user_id: '1001' },
        },
      },
      { type: 'webhook_callback_verification' }
    )
    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 200)
    assert.equal(answer.text, 'pogchamp-kappa-360noscope')
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/)
    // No session cookie, no CSRF on this route.
    assert.isNull(answer.headers.get('set-cookie'))
  })

  test('a challenge that looks like markup is still answered text/plain, as it came', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    const challenge = '<b>challenge</b>'
    const message = signedMessage(
      {
        challenge,
        subscription: {
          id: '8d3e36f1-4c0f-4d52-9a57-2b3c1f0e9d11',
          type: 'channel.poll.progress',
          version: '1',
          status: 'webhook_callback_verification_pending',
          condition: { broadcaster_user_id: '1001' },
        },
      },
      { type: 'webhook_callback_verification' }
    )
    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 200)
    assert.equal(answer.text, challenge)
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/)
  })

  test('a wrong or missing signature is refused with 403 and changes nothing', async ({
    client,
    assert,
  }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const body = pollProgressBody(SEEDED.aria.id, pollIdOf(SEEDED.aria), [7, 1, 0])

    const forged = signedMessage(body, { secret: 'not-the-right-secret' })
    assert.equal(await webhookStatus(forged.raw, forged.headers), 403)

    const unsigned = signedMessage(body)
    delete unsigned.headers['Twitch-Eventsub-Message-Signature']
    assert.equal(await webhookStatus(unsigned.raw, unsigned.headers), 403)

    // Signed right, but the body was changed on the way.
    const tampered = signedMessage(body)
    const changed = tampered.raw.replace('"votes":7', '"votes":9')
    assert.equal(await webhookStatus(changed, tampered.headers), 403)

    const channel = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(channel.votes, [0, 0, 0])
    assert.isNull(await redis.get(HandledMessages.key(unsigned.id)))
  })

  test('a message older than 10 minutes is ignored', async ({ client, assert }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const stale = signedMessage(
      pollProgressBody(SEEDED.aria.id, pollIdOf(SEEDED.aria), [4, 0, 0]),
      {
        timestamp: clock.now().minus({ minutes: 11 }).toUTC().toISO()!.replace('Z', '000000Z'),
      }
    )
    const answer = await postToWebhook(stale.raw, stale.headers)
    assert.equal(answer.status, 200)
    assert.include(answer.text, 'ignored')
    const channel = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(channel.votes, [0, 0, 0])
  })

  test('a replayed message is handled once', async ({ client, assert }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    // The background reader, on real time, would note this channel (which has
    // no subscription) as read by polling whenever its turn comes: only the
    // messages below may write to it here.
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    const message = signedMessage(
      pollProgressBody(SEEDED.aria.id, pollIdOf(SEEDED.aria), [3, 2, 0])
    )

    const first = await postToWebhook(message.raw, message.headers)
    assert.equal(first.status, 204)
    const handled = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(handled.votes, [3, 2, 0])
    assert.equal(handled.resultsVia, 'events')

    // The same message again a minute later: answered, not handled again
    // (a second handling would have moved the channel's read time).
    clock.advance({ minutes: 1 })
    const replay = await postToWebhook(message.raw, message.headers)
    assert.equal(replay.status, 204)
    const after = await storedVotes(run.id, SEEDED.aria)
    assert.equal(after.lastReadAt!.toMillis(), handled.lastReadAt!.toMillis())
    assert.equal(await redis.get(HandledMessages.key(message.id)), 'handled')
  })

  test('events arriving out of order never move the counts back', async ({ client, assert }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const pollId = pollIdOf(SEEDED.aria)
    const newer = signedMessage(pollProgressBody(SEEDED.aria.id, pollId, [5, 3, 1]))
    const older = signedMessage(pollProgressBody(SEEDED.aria.id, pollId, [2, 3, 0]))
    assert.equal(await webhookStatus(newer.raw, newer.headers), 204)
    assert.equal(await webhookStatus(older.raw, older.headers), 204)
    const channel = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(channel.votes, [5, 3, 1])
    assert.equal(channel.totalVotes, 9)
  })

  test('votes in the emulator reach the run by event, without any Helix read during the poll', async ({
    client,
    assert,
  }) => {
    // Subscriptions first (as the running app keeps them), then the launch.
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const run = await launchWithEvents(client, gm, campaign)
    const getsBefore = helixCount('polls.get')

    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 4)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 2, 3)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 1, 1)
    await twitchEmulator.state.eventsub.idle()

    const response = await client
      .get(`/campaigns/${campaign.id}/runs/${run.id}/results`)
      .loginAs(gm)
    response.assertBodyContains({ totals: [4, 1, 3], totalVotes: 8 })
    await waitUntil(async () => {
      const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}/results`).loginAs(gm)
      return page
        .body()
        .channels.every((channel: { resultsVia: string }) => channel.resultsVia === 'events')
    })
    assert.equal(helixCount('polls.get') - getsBefore, 0)
  })

  test('a duplicated delivery and a delivery redelivered after a failed answer count once', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    const run = await launchWithEvents(client, gm, campaign)
    const pollId = channelOf(run, SEEDED.aria).twitchPollId!

    // Sent twice at once with the same id.
    twitchEmulator.state.setDeliveryFaults({ duplicate: 1 })
    twitchEmulator.state.castVotes(pollId, 0, 2)
    await twitchEmulator.state.eventsub.idle()

    // The app cannot answer in time (its channel row is held by another
    // writer past the emulator's timeout): Twitch redelivers the same
    // message; the held write completes once released.
    twitchEmulator.state.setEventSubSettings({ timeoutMs: 300, retryDelaysMs: [200, 200] })
    const held = await db.transaction()
    await held.rawQuery('SELECT id FROM poll_channels WHERE twitch_poll_id = ? FOR UPDATE', [
      pollId,
    ])
    twitchEmulator.state.castVotes(pollId, 1, 5)
    await waitUntil(
      () =>
        twitchEmulator.state
          .listDeliveries({ messageType: 'notification' })
          .some((delivery) => delivery.retry >= 1),
      5000
    )
    await held.commit()
    await twitchEmulator.state.eventsub.idle()

    const notifications = notificationsOf('channel.poll.progress')
    const ids = new Set(notifications.map((delivery) => delivery.messageId))
    assert.equal(ids.size, 2)
    assert.isAbove(notifications.length, 2)
    for (const id of ids) {
      assert.equal(await redis.get(HandledMessages.key(id)), 'handled')
    }
    const channel = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(channel.votes, emulatorVotes(pollId))
    assert.deepEqual(channel.votes, [2, 5, 0])
    // Nothing revoked: every message ended up accepted.
    assert.isTrue(
      twitchEmulator.state
        .listSubscriptions()
        .every((subscription) => subscription.status === 'enabled')
    )
  })

  test('a body over the size limit is refused with 413', async ({ assert }) => {
    const message = signedMessage({ padding: 'x'.repeat(70 * 1024) })
    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 413)
  })
})

test.group('EventSub off', (group) => {
  pollTestSetup(group)

  test('without the secret the webhook is off and results are read from Helix as before', async ({
    client,
    assert,
  }) => {
    const message = signedMessage(
      { challenge: 'abc', subscription: { id: 'x' } },
      {
        type: 'webhook_callback_verification',
      }
    )
    assert.equal(await webhookStatus(message.raw, message.headers), 404)

    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 3)
    // No subscription was made, nothing was delivered.
    assert.lengthOf(twitchEmulator.state.listSubscriptions(), 0)
    const poller = await app.container.make(PollResultsPoller)
    const getsBefore = helixCount('polls.get')
    await poller.tick(run.id)
    assert.equal(helixCount('polls.get') - getsBefore, 1)
    const channel = await storedVotes(run.id, SEEDED.aria)
    assert.deepEqual(channel.votes, [3, 0, 0])
    assert.equal(channel.resultsVia, 'polling')
  })
})
