import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
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
  signedMessage,
} from '#tests/helpers/eventsub'

/**
 * The receiver's own promises: a copy whose twin is stuck in flight is not
 * answered with an error, and the work it starts in the background is
 * waited for when the process stops.
 */
test.group('EventSub receiver', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)

  test('a copy whose twin stays in flight elsewhere is handled, stored, and answered 2xx', async ({
    client,
    assert,
  }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const message = signedMessage(
      pollProgressBody(SEEDED.aria.id, pollIdOf(SEEDED.aria), [4, 1, 0])
    )
    // Another instance claimed this message id and never finished (it hangs or died).
    await redis.set(HandledMessages.key(message.id), 'in-flight', 'EX', 30)

    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 204)
    const channel = channelOf(await runWithChannels(run.id), SEEDED.aria)
    assert.deepEqual(channel.votes, [4, 1, 0])
    assert.equal(await redis.get(HandledMessages.key(message.id)), 'handled')
  })

  test('stopping waits for the replacement a revocation started, whichever instance started it', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    await reconcileSubscriptions()
    const progress = twitchEmulator.state
      .listSubscriptions()
      .find((subscription) => subscription.type === 'channel.poll.progress')!
    twitchEmulator.state.revokeSubscription(progress.id, 'notification_failures_exceeded')
    // The revocation reached the webhook, whose receiver started the replacement.
    await twitchEmulator.state.eventsub.idle()

    // The web process stops its own reconciler (not the receiver's).
    const reconciler = await app.container.make(SubscriptionReconciler)
    await reconciler.stop()
    const replaced = twitchEmulator.state
      .listSubscriptions()
      .filter((subscription) => subscription.type === 'channel.poll.progress')
    assert.lengthOf(replaced, 1)
    assert.notEqual(replaced[0].id, progress.id)
  })
})
