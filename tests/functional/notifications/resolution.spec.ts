import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import CampaignMembership from '#models/campaign_membership'
import Notification from '#models/notification'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { NotificationService } from '#services/notifications/notification_service'
import { AuthorizationExpiryNotifier } from '#services/notifications/authorization_expiry_notifier'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { SEEDED, campaignTestSetup, connectedStreamer, submit } from '#tests/helpers/campaigns'
import { settleNotifications } from '#tests/helpers/notifications'

async function invitedBram(client: ApiClient) {
  const gm = await connectedStreamer(SEEDED.dorian)
  const bram = await connectedStreamer(SEEDED.bram)
  const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Ashes' }).create()
  const invited = await submit(client, 'post', `/campaigns/${campaign.id}/invitations`, gm.user, {
    login: 'bram_rolls',
  })
  invited.assertFlashMissing('error')
  const membership = await CampaignMembership.query()
    .where('campaign_id', campaign.id)
    .where('streamer_id', bram.id)
    .firstOrFail()
  return { gm, bram, campaign, membership }
}

async function invitationNotice(user: User) {
  return Notification.query().where('user_id', user.id).where('type', 'campaign.invited').first()
}

async function unreadCount(client: ApiClient, user: User) {
  const page = await client.get('/notifications').loginAs(user)
  return page.text().match(/class="notification is-unread"/g)?.length ?? 0
}

/**
 * A notification whose cause is settled does not stay "new": the code that
 * settles it marks it read and resolved, and the list says "Resolved".
 */
test.group('Notifications: resolved with their cause', (group) => {
  const clock = campaignTestSetup(group)

  for (const [answer, doing] of [
    ['accept', 'accepting'],
    ['decline', 'declining'],
  ] as const) {
    test(`"Accept or decline it on your dashboard" is resolved by ${doing}`, async ({
      client,
      assert,
    }) => {
      const { bram, membership } = await invitedBram(client)
      const before = await invitationNotice(bram.user)
      assert.isNull(before!.readAt)
      assert.equal(await unreadCount(client, bram.user), 1)

      clock.advance({ minutes: 3 })
      const response = await submit(
        client,
        'post',
        `/memberships/${membership.id}/${answer}`,
        bram.user
      )
      response.assertFlashMissing('error')

      const after = await invitationNotice(bram.user)
      assert.equal(after!.readAt!.toMillis(), clock.now().toMillis())
      assert.equal(after!.resolvedAt!.toMillis(), clock.now().toMillis())
      assert.equal(await unreadCount(client, bram.user), 0)
      const page = await client.get('/notifications').loginAs(bram.user)
      page.assertTextIncludes('Resolved')
    })
  }

  test('a withdrawn invitation is resolved too; other notifications stay as they are', async ({
    client,
    assert,
  }) => {
    const { gm, bram, campaign, membership } = await invitedBram(client)
    const other = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Other' }).create()
    await submit(client, 'post', `/campaigns/${other.id}/invitations`, gm.user, {
      login: 'bram_rolls',
    })

    await submit(client, 'delete', `/campaigns/${campaign.id}/members/${membership.id}`, gm.user)

    const notices = await Notification.query()
      .where('user_id', bram.userId)
      .where('type', 'campaign.invited')
      .orderBy('id')
    assert.lengthOf(notices, 2)
    assert.isNotNull(notices[0].resolvedAt, 'the withdrawn invitation')
    assert.isNull(notices[1].resolvedAt, 'the invitation to the other campaign')
    assert.isNull(notices[1].readAt)
  })

  test('deleting the campaign resolves its invitations', async ({ client, assert }) => {
    const { gm, bram, campaign } = await invitedBram(client)

    const response = await submit(client, 'delete', `/campaigns/${campaign.id}`, gm.user)
    response.assertFlashMissing('error')

    const notice = await invitationNotice(bram.user)
    assert.isNotNull(notice!.resolvedAt)
    assert.equal(await unreadCount(client, bram.user), 0)
  })

  test('"Reconnect your Twitch account" is resolved by signing in again, for the GM too', async ({
    assert,
  }) => {
    const gm = await connectedStreamer(SEEDED.dorian)
    const bram = await connectedStreamer(SEEDED.bram)
    const campaign: Campaign = await CampaignFactory.merge({ ownerId: gm.userId }).create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
      status: 'active',
    }).create()
    bram.isActive = false
    await bram.save()
    const notifications = await app.container.make(NotificationService)
    await notifications.notifyStreamerDeactivated(bram)
    await settleNotifications()
    const unrelated = await notifications.notify([
      {
        userId: bram.userId,
        type: 'poll.started',
        message: {
          key: 'notifications.poll_started',
          values: { title: 'A poll', campaign: 'Ashes', duration: { durationSeconds: 60 } },
        },
        url: null,
      },
    ])

    const session = new HttpSession()
    const signedIn = await signInWithTwitch(session, SEEDED.bram.id)
    assert.equal(signedIn.status, 302)

    const reconnect = await Notification.query()
      .where('user_id', bram.userId)
      .where('type', 'token.reconnect_required')
      .firstOrFail()
    assert.isNotNull(reconnect.readAt)
    assert.isNotNull(reconnect.resolvedAt)
    const toGm = await Notification.query()
      .where('user_id', gm.userId)
      .where('type', 'campaign.streamer_disconnected')
      .firstOrFail()
    assert.isNotNull(toGm.resolvedAt)
    const untouched = await Notification.findOrFail(unrelated[0].id)
    assert.isNull(untouched.readAt)
  })

  test('"Poll authorization ends soon" is resolved by granting again', async ({
    client,
    assert,
  }) => {
    const gm = await connectedStreamer(SEEDED.dorian)
    const bram = await connectedStreamer(SEEDED.bram)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId }).create()
    const now = clock.now()
    const membership = await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
      pollAuthorizationGrantedAt: now.minus({ hours: 11, minutes: 35 }),
      pollAuthorizationExpiresAt: now.plus({ minutes: 25 }),
    }).create()
    const notifier = await app.container.make(AuthorizationExpiryNotifier)
    assert.equal(await notifier.run(), 1)
    await settleNotifications()

    const response = await submit(client, 'post', `/memberships/${membership.id}/grant`, bram.user)
    response.assertFlashMissing('error')

    const notice = await Notification.query()
      .where('user_id', bram.userId)
      .where('type', 'authorization.expiring_soon')
      .firstOrFail()
    assert.isNotNull(notice.resolvedAt)
    assert.isNotNull(notice.readAt)
  })
})
