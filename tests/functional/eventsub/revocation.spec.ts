import { test } from '@japa/runner'
import Notification from '#models/notification'
import PushSubscription from '#models/push_subscription'
import Streamer from '#models/streamer'
import { PushReceiver } from '#tests/helpers/push_receiver'
import { restorePushSettings, usePushSettings } from '#tests/helpers/push_settings'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { campaignWithChannels, pollTestSetup, SEEDED } from '#tests/helpers/polls'
import { eventsubTestSetup, notificationsOf, reconcileSubscriptions } from '#tests/helpers/eventsub'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

async function subscribe(userId: number, name: string) {
  const browser = receiver.subscription(name)
  const { keys } = browser.toJSON()
  await PushSubscription.create({
    userId,
    endpoint: browser.endpoint,
    p256dh: keys.p256dh,
    auth: keys.auth,
  })
  return browser
}

/**
 * A streamer who disconnects Chorus on Twitch (`user.authorization.revoke`)
 * is deactivated at once, their tokens forgotten, and everyone concerned told.
 */
test.group('EventSub: access revoked on Twitch', (group) => {
  group.setup(async () => {
    await receiver.start()
    return () => receiver.stop()
  })
  pollTestSetup(group)
  eventsubTestSetup(group)
  group.each.setup(() => {
    receiver.reset()
    usePushSettings()
    return async () => {
      await settleNotifications()
      restorePushSettings()
    }
  })

  test('the streamer is deactivated, its tokens forgotten, the streamer and the GM notified', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const aria = streamers[SEEDED.aria.login]
    const streamerBrowser = await subscribe(aria.userId, 'aria-phone')
    const gmBrowser = await subscribe(gm.id, 'gm-laptop')
    await reconcileSubscriptions()

    const outcome = twitchEmulator.state.disconnectUser(SEEDED.aria.id, 'chorus-test-client')
    assert.equal(outcome.notificationsQueued, 1)
    await twitchEmulator.state.eventsub.idle()
    await settleNotifications()

    const stored = await Streamer.findOrFail(aria.id)
    assert.isFalse(stored.isActive)
    assert.isNull(stored.accessTokenEncrypted)
    assert.isNull(stored.refreshTokenEncrypted)
    assert.isNull(stored.tokenRefreshFailedAt)
    const bram = await Streamer.findOrFail(streamers[SEEDED.bram.login].id)
    assert.isTrue(bram.isActive)

    const toStreamer = await Notification.query().where('user_id', aria.userId)
    assert.lengthOf(toStreamer, 1)
    assert.equal(toStreamer[0].type, 'token.reconnect_required')
    assert.include(toStreamer[0].body, 'revoked on Twitch')
    const toGm = await Notification.query().where('user_id', gm.id)
    assert.lengthOf(toGm, 1)
    assert.equal(toGm[0].type, 'campaign.streamer_disconnected')
    assert.include(toGm[0].body, 'access revoked on Twitch')

    // Web push too, urgent.
    const pushed = [...receiver.requestsFor(streamerBrowser), ...receiver.requestsFor(gmBrowser)]
    assert.lengthOf(pushed, 2)
    assert.isTrue(pushed.every((request) => request.headers.urgency === 'high'))
    assert.equal(
      gmBrowser.decryptJson(receiver.requestsFor(gmBrowser)[0]).type,
      'campaign.streamer_disconnected'
    )

    // Readiness shows it.
    const readiness = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm)
    readiness.assertStatus(200)
    readiness.assertTextIncludes('Needs to reconnect')

    // Its subscriptions died with the access; the next pass does not recreate them.
    await reconcileSubscriptions()
    const ariaLive = twitchEmulator.state
      .listSubscriptions()
      .filter(
        (subscription) =>
          subscription.condition.broadcaster_user_id === SEEDED.aria.id &&
          subscription.status === 'enabled'
      )
    assert.lengthOf(ariaLive, 0)
  })

  test('the same revocation delivered again notifies nobody a second time', async ({ assert }) => {
    const { streamers } = await campaignWithChannels([SEEDED.aria])
    await reconcileSubscriptions()
    twitchEmulator.state.setDeliveryFaults({ duplicate: 1 })
    twitchEmulator.state.disconnectUser(SEEDED.aria.id, 'chorus-test-client')
    await twitchEmulator.state.eventsub.idle()
    await settleNotifications()

    const revokes = notificationsOf('user.authorization.revoke')
    assert.isAtLeast(revokes.length, 2)
    assert.lengthOf(
      await Notification.query().where('user_id', streamers[SEEDED.aria.login].userId),
      1
    )
  })
})
