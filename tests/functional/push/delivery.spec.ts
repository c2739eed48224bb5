import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import { appUrl } from '#config/app'
import Notification from '#models/notification'
import PushSubscription from '#models/push_subscription'
import type Streamer from '#models/streamer'
import type User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { NotificationService } from '#services/notifications/notification_service'
import { NotificationPreferences } from '#services/notifications/notification_preferences'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { PushReceiver, verifyVapid, type BrowserSubscription } from '#tests/helpers/push_receiver'
import { testVapidKeys, usePushSettings, withPushReceiver } from '#tests/helpers/push_settings'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  clearTokenRefreshKeys,
  connectedStreamer,
  useFastSettings,
  useFixedClock,
} from '#tests/helpers/token_fixtures'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

/** Stores a browser's subscription for a user, as POST /push/subscriptions would. */
async function subscribe(user: { id: number }, name: string) {
  const browser = receiver.subscription(name)
  const { keys } = browser.toJSON()
  await PushSubscription.create({
    userId: user.id,
    endpoint: browser.endpoint,
    p256dh: keys.p256dh,
    auth: keys.auth,
  })
  return browser
}

/** A streamer who is an active member of a campaign of each GM. */
async function streamerInCampaignsOf(gms: User[]) {
  const streamer = await StreamerFactory.with('user').create()
  const campaigns = []
  for (const gm of gms) {
    const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: streamer.id,
    }).create()
    campaigns.push(campaign)
  }
  return { streamer, campaigns }
}

async function deactivate(streamer: Streamer) {
  const service = await app.container.make(NotificationService)
  const stored = await service.notifyStreamerDeactivated(streamer)
  await settleNotifications()
  return stored
}

function payloadOf(browser: BrowserSubscription) {
  const requests = receiver.requestsFor(browser)
  if (requests.length !== 1) throw new Error(`expected one push, got ${requests.length}`)
  return browser.decryptJson(requests[0])
}

test.group('Web push delivery', (group) => {
  withPushReceiver(group, receiver)

  test('a deactivation delivers a readable push to the streamer and every GM concerned', async ({
    assert,
  }) => {
    const [gmA, gmB] = await UserFactory.createMany(2)
    const { streamer, campaigns } = await streamerInCampaignsOf([gmA, gmB])
    const streamerPhone = await subscribe({ id: streamer.userId }, 'streamer-phone')
    const streamerLaptop = await subscribe({ id: streamer.userId }, 'streamer-laptop')
    const gmABrowser = await subscribe(gmA, 'gm-a')
    const gmBBrowser = await subscribe(gmB, 'gm-b')

    const stored = await deactivate(streamer)

    assert.lengthOf(receiver.requests, 4)
    for (const browser of [streamerPhone, streamerLaptop]) {
      const payload = payloadOf(browser)
      assert.equal(payload.type, 'token.reconnect_required')
      assert.equal(payload.title, 'Reconnect your Twitch account')
      assert.equal(payload.url, `${appUrl}/auth/twitch/redirect`)
      assert.include(String(payload.body), 'Sign in with Twitch again')
    }
    for (const [browser, campaign] of [
      [gmABrowser, campaigns[0]],
      [gmBBrowser, campaigns[1]],
    ] as const) {
      const payload = payloadOf(browser)
      assert.equal(payload.type, 'campaign.streamer_disconnected')
      assert.include(String(payload.title), streamer.twitchDisplayName)
      assert.include(String(payload.body), campaign.name)
      assert.equal(payload.url, `${appUrl}/campaigns/${campaign.id}`)
      assert.include(
        stored.map((notification) => notification.id),
        payload.id as number
      )
    }

    for (const request of receiver.requests) {
      assert.equal(request.headers['content-encoding'], 'aes128gcm')
      assert.equal(request.headers['content-type'], 'application/octet-stream')
      assert.equal(request.headers.urgency, 'high')
      assert.equal(request.headers.ttl, String(24 * 60 * 60))
      const claims = verifyVapid(request, testVapidKeys.publicKey, receiver.url)
      assert.equal(claims.sub, 'mailto:tests@chorus.example')
    }

    const used = await PushSubscription.all()
    assert.isTrue(used.every((subscription) => subscription.lastUsedAt !== null))
    assert.lengthOf(await Notification.query().where('user_id', streamer.userId), 1)
    assert.lengthOf(await Notification.query().whereIn('user_id', [gmA.id, gmB.id]), 2)
  })

  test('the token refresh engine deactivating a streamer pushes to the streamer and the GM', async ({
    assert,
    cleanup,
  }) => {
    twitchEmulator.state.reset()
    await clearTokenRefreshKeys()
    const fast = useFastSettings()
    const start = DateTime.now()
    const fixed = useFixedClock(start)
    cleanup(() => {
      fast.restore()
      fixed.restore()
    })
    const { streamer, twitchUser, gm } = await connectedStreamer({ now: start })
    const streamerBrowser = await subscribe({ id: streamer.userId }, 'engine-streamer')
    const gmBrowser = await subscribe(gm!, 'engine-gm')
    twitchEmulator.state.revokeRefresh(twitchUser.id)
    const refresher = await app.container.make(StreamerRefresher)

    const first = await refresher.refreshStreamer(streamer, { force: true, trigger: 'command' })
    await settleNotifications()
    assert.equal(first.status, 'failed')
    assert.lengthOf(receiver.requests, 0, 'the first permanent failure tells nobody')

    fixed.clock.advance({ minutes: 16 })
    await refresher.refreshStreamer(streamer, { force: true, trigger: 'retry_sweep' })
    await settleNotifications()

    assert.isFalse(streamer.isActive)
    assert.equal(payloadOf(streamerBrowser).type, 'token.reconnect_required')
    assert.equal(payloadOf(gmBrowser).type, 'campaign.streamer_disconnected')
  })

  test('a 410 or 404 from the push service deletes that subscription only', async ({ assert }) => {
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    const expired = await subscribe({ id: streamer.userId }, 'expired')
    const unknown = await subscribe({ id: streamer.userId }, 'unknown')
    const alive = await subscribe({ id: streamer.userId }, 'alive')
    const flaky = await subscribe(gm, 'flaky')
    receiver.answer(expired, 410)
    receiver.answer(unknown, 404)
    receiver.answer(flaky, 503)

    await deactivate(streamer)

    assert.lengthOf(receiver.requests, 4)
    const left = await PushSubscription.query().orderBy('id')
    assert.deepEqual(
      left.map((subscription) => subscription.endpoint),
      [alive.endpoint, flaky.endpoint]
    )
    assert.isNotNull(left[0].lastUsedAt, 'a delivered push marks the subscription used')
    assert.isNull(left[1].lastUsedAt, 'a refused push does not')
  })

  test('with the category turned off: no push, but the in-app row is written', async ({
    assert,
  }) => {
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    const streamerBrowser = await subscribe({ id: streamer.userId }, 'muted')
    const gmBrowser = await subscribe(gm, 'gm')
    const preferences = await app.container.make(NotificationPreferences)
    const choices = await preferences.choicesOf(streamer.userId)
    await preferences.save(streamer.userId, { ...choices, token_refresh_failed: false })

    await deactivate(streamer)

    assert.lengthOf(receiver.requestsFor(streamerBrowser), 0)
    assert.equal(payloadOf(gmBrowser).type, 'campaign.streamer_disconnected')
    const rows = await Notification.query().where('user_id', streamer.userId)
    assert.deepEqual(
      rows.map((row) => row.type),
      ['token.reconnect_required']
    )
  })

  test('an http://127.0.0.1 endpoint is never sent to when private endpoints are not allowed', async ({
    assert,
  }) => {
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    await subscribe({ id: streamer.userId }, 'private')
    usePushSettings({ allowPrivateEndpoints: false })

    const stored = await deactivate(streamer)

    assert.lengthOf(receiver.requests, 0)
    assert.lengthOf(stored, 2, 'the in-app rows are written')
    assert.lengthOf(await PushSubscription.all(), 1, 'a refused endpoint is kept, not deleted')
  })

  test('a push service that hangs delays neither the caller nor other deliveries forever', async ({
    assert,
  }) => {
    usePushSettings({ requestTimeoutMs: 300 })
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    const stuck = await subscribe({ id: streamer.userId }, 'stuck')
    const fine = await subscribe(gm, 'fine')
    receiver.answer(stuck, 'hang')
    const service = await app.container.make(NotificationService)

    const startedAt = Date.now()
    const stored = await service.notifyStreamerDeactivated(streamer)
    assert.isBelow(Date.now() - startedAt, 250, 'notify() returns once the rows are written')
    assert.lengthOf(stored, 2)

    await settleNotifications()
    assert.isBelow(Date.now() - startedAt, 2000, 'the hung request was cut by its timeout')
    assert.equal(payloadOf(fine).type, 'campaign.streamer_disconnected')
    const kept = await PushSubscription.findByOrFail('endpoint', stuck.endpoint)
    assert.isNull(kept.lastUsedAt)
  })

  test('a redirect from the push service is not followed', async ({ assert }) => {
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    const moved = await subscribe({ id: streamer.userId }, 'moved')
    receiver.answer(moved, 307)

    await deactivate(streamer)

    assert.deepEqual(
      receiver.requests.map((request) => request.path),
      [new URL(moved.endpoint).pathname]
    )
  })

  test('many subscriptions are sent with bounded concurrency', async ({ assert }) => {
    usePushSettings({ concurrency: 3 })
    receiver.latencyMs = 40
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    for (let index = 0; index < 12; index++) {
      await subscribe({ id: streamer.userId }, `device-${index}`)
    }

    await deactivate(streamer)

    assert.lengthOf(receiver.requests, 12)
    assert.isAtMost(receiver.maxInFlight, 3)
    assert.isAtLeast(receiver.maxInFlight, 2, 'requests do run side by side')
  })

  test('without VAPID keys nothing is pushed and the rows are still written', async ({
    assert,
  }) => {
    usePushSettings({
      vapid: { publicKey: '', privateKey: '', subject: 'mailto:x@chorus.example' },
    })
    const gm = await UserFactory.create()
    const { streamer } = await streamerInCampaignsOf([gm])
    await subscribe({ id: streamer.userId }, 'no-vapid')

    const stored = await deactivate(streamer)

    assert.lengthOf(receiver.requests, 0)
    assert.lengthOf(stored, 2)
  })
})
