import { test } from '@japa/runner'
import Notification from '#models/notification'
import CampaignInvitation from '#models/campaign_invitation'
import { startQueryCounter } from '#tests/helpers/query_counter'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { UserFactory } from '#database/factories/user_factory'
import { SEEDED, campaignTestSetup, connectedStreamer, submit } from '#tests/helpers/campaigns'

/**
 * The dashboard: campaigns as GM and as streamer, invitations, notifications.
 */
test.group('Campaigns: dashboard and notifications', (group) => {
  const clock = campaignTestSetup(group)

  async function notificationFor(userId: number, title: string, read = false) {
    return Notification.create({
      userId,
      type: 'campaign.invited',
      title,
      body: `${title} body`,
      url: 'http://127.0.0.1/dashboard',
      readAt: read ? clock.now().minus({ hours: 1 }) : null,
    })
  }

  test('lists my campaigns as GM and as streamer, and my invitations', async ({
    client,
    assert,
  }) => {
    const me = await connectedStreamer(SEEDED.bram)
    const other = await connectedStreamer(SEEDED.dorian)
    const mine = await CampaignFactory.merge({ ownerId: me.userId, name: 'My Table' }).create()
    const cass = await connectedStreamer(SEEDED.cass)
    await CampaignMembershipFactory.merge({ campaignId: mine.id, streamerId: cass.id }).create()

    const playing = await CampaignFactory.merge({
      ownerId: other.userId,
      name: 'Their Saga',
    }).create()
    await CampaignMembershipFactory.merge({
      campaignId: playing.id,
      streamerId: me.id,
      pollAuthorizationGrantedAt: clock.now(),
      pollAuthorizationExpiresAt: clock.now().plus({ hours: 3 }),
    }).create()
    const invitedTo = await CampaignFactory.merge({
      ownerId: other.userId,
      name: 'Next Arc',
    }).create()
    const invitation = await CampaignMembershipFactory.apply('pending')
      .merge({ campaignId: invitedTo.id, streamerId: me.id })
      .create()
    await CampaignFactory.merge({ ownerId: other.userId, name: 'Not Mine At All' }).create()

    const response = await client.get('/dashboard').loginAs(me.user)
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, 'My Table')
    assert.match(html, /<strong data-ready>1<\/strong> of 1\s+member can run polls/)
    assert.include(html, 'Their Saga')
    assert.include(html, '3 h 00 min left')
    assert.include(html, 'Next Arc')
    assert.include(html, `/memberships/${invitation.id}/accept`)
    assert.include(html, `/memberships/${invitation.id}/decline`)
    assert.notInclude(html, 'Not Mine At All')
    assert.include(html, 'Connected', 'the health of my Twitch connection')
  })

  test("the GM's dashboard counts channels as readiness does, in a fixed number of queries", async ({
    client,
    assert,
  }) => {
    const gm = await connectedStreamer(SEEDED.dorian)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Mixed' }).create()
    const authorized = { campaignId: campaign.id }
    const aria = await connectedStreamer(SEEDED.aria)
    await CampaignMembershipFactory.merge({ ...authorized, streamerId: aria.id }).create()
    // Authorized but deactivated, authorized but not an affiliate, not granted.
    const bram = await connectedStreamer(SEEDED.bram)
    bram.isActive = false
    await bram.save()
    await CampaignMembershipFactory.merge({ ...authorized, streamerId: bram.id }).create()
    const pat = await connectedStreamer(SEEDED.pat)
    await CampaignMembershipFactory.merge({ ...authorized, streamerId: pat.id }).create()
    const cass = await connectedStreamer(SEEDED.cass)
    await CampaignMembershipFactory.apply('notGranted')
      .merge({ ...authorized, streamerId: cass.id })
      .create()
    await CampaignInvitation.create({
      campaignId: campaign.id,
      twitchUserId: '777',
      twitchLogin: 'newcomer',
      twitchDisplayName: 'Newcomer',
      broadcasterType: 'affiliate',
      invitedAt: clock.now(),
    })

    const said = /<strong data-ready>1<\/strong> of 4\s+members can run polls\s+· 1 invited/
    const dashboard = await client.get('/dashboard').loginAs(gm.user)
    assert.match(dashboard.text(), said)
    const readiness = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm.user)
    assert.match(readiness.text(), said)

    // More campaigns, no more queries.
    const counter = startQueryCounter()
    await client.get('/dashboard').loginAs(gm.user)
    counter.stop()
    for (const name of ['Second', 'Third', 'Fourth']) {
      const more = await CampaignFactory.merge({ ownerId: gm.userId, name }).create()
      await CampaignMembershipFactory.merge({ campaignId: more.id, streamerId: aria.id }).create()
    }
    const again = startQueryCounter()
    const page = await client.get('/dashboard').loginAs(gm.user)
    again.stop()
    assert.include(page.text(), 'Fourth')
    assert.equal(again.count, counter.count)
  })

  test("shows my notifications, unread first, never anyone else's", async ({ client, assert }) => {
    const me = await UserFactory.create()
    const someone = await UserFactory.create()
    await notificationFor(me.id, 'Old news', true)
    await notificationFor(me.id, 'Fresh news')
    await notificationFor(someone.id, 'Private matter')

    const response = await client.get('/dashboard').loginAs(me)
    const html = response.text()
    assert.include(html, '1 new')
    assert.isBelow(html.indexOf('Fresh news'), html.indexOf('Old news'))
    assert.notInclude(html, 'Private matter')

    const all = await client.get('/notifications').loginAs(me)
    all.assertStatus(200)
    all.assertTextIncludes('Fresh news')
    all.assertTextIncludes('Old news')
    assert.notInclude(all.text(), 'Private matter')
  })

  test('marks one notification as read', async ({ client, assert }) => {
    const me = await UserFactory.create()
    const notification = await notificationFor(me.id, 'Hello')

    const response = await submit(client, 'post', `/notifications/${notification.id}/read`, me)
    response.assertStatus(302)
    response.assertHeader('location', '/dashboard')
    await notification.refresh()
    assert.equal(notification.readAt!.toMillis(), clock.now().toMillis())
  })

  test("someone else's notification answers 404 and stays unread", async ({ client, assert }) => {
    const me = await UserFactory.create()
    const someone = await UserFactory.create()
    const theirs = await notificationFor(someone.id, 'Theirs')

    const response = await submit(client, 'post', `/notifications/${theirs.id}/read`, me)
    response.assertStatus(404)
    await theirs.refresh()
    assert.isNull(theirs.readAt)
  })

  test('marks all my notifications as read, and only mine', async ({ client, assert }) => {
    const me = await UserFactory.create()
    const someone = await UserFactory.create()
    await notificationFor(me.id, 'One')
    await notificationFor(me.id, 'Two')
    const theirs = await notificationFor(someone.id, 'Theirs')

    const response = await submit(client, 'post', '/notifications/read-all', me, {
      back: '/notifications',
    })
    response.assertHeader('location', '/notifications')
    response.assertFlashMessage('success', '2 notifications marked as read.')
    const unread = await Notification.query().where('user_id', me.id).whereNull('read_at')
    assert.lengthOf(unread, 0)
    await theirs.refresh()
    assert.isNull(theirs.readAt)
  })

  test('a "back" pointing elsewhere returns to the dashboard', async ({ client }) => {
    const me = await UserFactory.create()
    const notification = await notificationFor(me.id, 'Hello')
    const response = await submit(client, 'post', `/notifications/${notification.id}/read`, me, {
      back: 'https://evil.example/',
    })
    response.assertHeader('location', '/dashboard')
  })

  test('notifications need a signed-in user', async ({ client }) => {
    const response = await client.get('/notifications').redirects(0)
    response.assertHeader('location', '/')
  })
})
