import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Notification from '#models/notification'
import PushSubscription from '#models/push_subscription'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { UserFactory } from '#database/factories/user_factory'
import { NotificationService } from '#services/notifications/notification_service'
import { AuthorizationExpiryNotifier } from '#services/notifications/authorization_expiry_notifier'
import { AuthorizationExpiryTask } from '#services/notifications/authorization_expiry_task'
import { PushReceiver } from '#tests/helpers/push_receiver'
import { withPushReceiver } from '#tests/helpers/push_settings'
import { useFixedClock } from '#tests/helpers/token_fixtures'
import { FixedClock } from '#tests/helpers/fixed_clock'
import { buildInjected } from '#providers/injected_singleton'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

/** A streamer whose authorization in a campaign ends `minutesLeft` after `now`. */
async function authorization(
  now: DateTime,
  minutesLeft: number,
  overrides: { isActive?: boolean } = {}
) {
  const streamer = await StreamerFactory.with('user')
    .merge({ isActive: overrides.isActive ?? true })
    .create()
  const gm = await UserFactory.create()
  const campaign = await CampaignFactory.merge({ ownerId: gm.id, name: 'Curse of Strahd' }).create()
  const membership = await CampaignMembershipFactory.merge({
    campaignId: campaign.id,
    streamerId: streamer.id,
    pollAuthorizationGrantedAt: now.plus({ minutes: minutesLeft }).minus({ hours: 12 }),
    pollAuthorizationExpiresAt: now.plus({ minutes: minutesLeft }),
  }).create()
  return { streamer, campaign, membership, gm }
}

async function runCheck() {
  const notifier = await app.container.make(AuthorizationExpiryNotifier)
  const sent = await notifier.run()
  await settleNotifications()
  return sent
}

test.group('Authorization expiring in 30 minutes', (group) => {
  withPushReceiver(group, receiver)

  test('the streamer is told once, in-app and by push', async ({ assert, cleanup }) => {
    const now = DateTime.fromISO('2025-03-01T20:00:00Z')
    const fixed = useFixedClock(now)
    cleanup(fixed.restore)
    const { streamer, campaign } = await authorization(now, 25)
    const browser = receiver.subscription('streamer')
    await PushSubscription.create({
      userId: streamer.userId,
      endpoint: browser.endpoint,
      ...browser.toJSON().keys,
    })

    assert.equal(await runCheck(), 1)
    fixed.clock.advance({ minutes: 1 })
    assert.equal(await runCheck(), 0, 'the next minute does not repeat it')

    const rows = await Notification.query().where('user_id', streamer.userId)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].type, 'authorization.expiring_soon')
    assert.equal(rows[0].title, 'Poll authorization ends in 25 min')
    assert.include(rows[0].body, 'Curse of Strahd')
    assert.include(rows[0].body, 'ends in 25 min')
    assert.isTrue(rows[0].url!.endsWith(`/campaigns/${campaign.id}`))

    const pushes = receiver.requestsFor(browser)
    assert.lengthOf(pushes, 1)
    assert.equal(browser.decryptJson(pushes[0]).type, 'authorization.expiring_soon')
    assert.equal(pushes[0].headers.ttl, String(30 * 60), 'useless once the authorization ended')
  })

  test('only authorizations ending within 30 minutes, of active streamers, accepted', async ({
    assert,
    cleanup,
  }) => {
    const now = DateTime.fromISO('2025-03-01T20:00:00Z')
    cleanup(useFixedClock(now).restore)
    const soon = await authorization(now, 30)
    await authorization(now, 31)
    await authorization(now, -1)
    await authorization(now, 10, { isActive: false })
    const pending = await authorization(now, 10)
    pending.membership.status = 'pending'
    await pending.membership.save()

    assert.equal(await runCheck(), 1)
    const told = await Notification.query().where('type', 'authorization.expiring_soon')
    assert.deepEqual(
      told.map((row) => row.userId),
      [soon.streamer.userId]
    )
  })

  test('a new grant is told again when it nears its end', async ({ assert, cleanup }) => {
    const now = DateTime.fromISO('2025-03-01T20:00:00Z')
    const fixed = useFixedClock(now)
    cleanup(fixed.restore)
    const { membership, streamer } = await authorization(now, 20)
    assert.equal(await runCheck(), 1)

    // Granted again for 12 hours, then time runs until 20 minutes before the end.
    membership.pollAuthorizationGrantedAt = now.plus({ minutes: 5 })
    membership.pollAuthorizationExpiresAt = now.plus({ minutes: 5, hours: 12 })
    await membership.save()
    fixed.clock.set(now.plus({ minutes: 5, hours: 12 }).minus({ minutes: 20 }))
    assert.equal(await runCheck(), 1)

    assert.lengthOf(await Notification.query().where('user_id', streamer.userId), 2)
  })

  test('two instances checking at once tell the streamer once', async ({ assert, cleanup }) => {
    const now = DateTime.fromISO('2025-03-01T20:00:00Z')
    cleanup(useFixedClock(now).restore)
    const { streamer } = await authorization(now, 15)
    const [first, second] = await Promise.all([
      app.container.make(AuthorizationExpiryNotifier),
      app.container.make(AuthorizationExpiryNotifier),
    ])

    const sent = await Promise.all([first.run(), second.run()])
    await settleNotifications()

    assert.equal(sent[0] + sent[1], 1)
    assert.lengthOf(await Notification.query().where('user_id', streamer.userId), 1)
  })

  test('the every-minute task runs the check and survives a failure', async ({
    assert,
    cleanup,
  }) => {
    const now = DateTime.fromISO('2025-03-01T20:00:00Z')
    cleanup(useFixedClock(now).restore)
    const { streamer } = await authorization(now, 5)
    const task = await buildInjected(app.container, AuthorizationExpiryTask)

    await task.runOnce()
    await settleNotifications()
    assert.lengthOf(await Notification.query().where('user_id', streamer.userId), 1)

    class BrokenNotifier extends AuthorizationExpiryNotifier {
      async run(): Promise<number> {
        throw new Error('database down')
      }
    }
    const broken = new BrokenNotifier(
      new FixedClock(now),
      await app.container.make(NotificationService)
    )
    const failing = new AuthorizationExpiryTask(broken)
    assert.isUndefined(await failing.runOnce(), 'a failed check is logged, not thrown')

    task.start()
    await task.stop()
  })
})
