import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { emptyDatabase } from '#tests/helpers/empty_database'
import {
  NOTIFICATION_CATEGORIES,
  NotificationPreferences,
} from '#services/notifications/notification_preferences'

/** A user whose channel streams someone's campaign (every category reaches them). */
async function member() {
  const streamer = await StreamerFactory.with('user').create()
  const gm = await UserFactory.create()
  const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
  await CampaignMembershipFactory.merge({
    campaignId: campaign.id,
    streamerId: streamer.id,
  }).create()
  await streamer.load('user')
  return streamer.user
}

/**
 * The notification settings page: which categories are pushed, and the
 * "Enable notifications" control.
 */
test.group('Notification settings page', (group) => {
  group.each.setup(emptyDatabase)

  test('lists every category, all pushed by default, with the device control', async ({
    client,
    assert,
  }) => {
    const user = await member()
    const response = await client.get('/notifications/preferences').loginAs(user)

    response.assertStatus(200)
    const html = response.text()
    for (const label of [
      'A Twitch connection stops working',
      'Poll authorization ends soon',
      'Campaign invitation received',
      'Poll started on your channel',
      'Poll ended on your channel',
    ]) {
      assert.include(html, label)
    }
    for (const category of NOTIFICATION_CATEGORIES) {
      assert.match(html, new RegExp(`name="push\\[${category.key}\\]" value="true" checked`))
    }
    assert.include(html, 'data-push-control')
    assert.include(html, '<script type="module" src="/js/push.js"></script>')
  })

  test('saving stores the choices and the page shows them', async ({ client, assert }) => {
    const user = await member()
    const response = await client
      .post('/notifications/preferences')
      .form({ 'push[token_refresh_failed]': 'true', 'push[poll_ended]': 'true' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/notifications/preferences')
    const preferences = await app.container.make(NotificationPreferences)
    const choices = await preferences.choicesOf(user.id)
    assert.isTrue(choices.token_refresh_failed)
    assert.isTrue(choices.poll_ended)
    assert.isFalse(choices.authorization_expiring)
    assert.isFalse(choices.invitation_received)
    assert.isFalse(choices.poll_started)

    const page = await client.get('/notifications/preferences').loginAs(user)
    assert.match(page.text(), /name="push\[poll_started\]" value="true" >/)
    assert.match(page.text(), /name="push\[poll_ended\]" value="true" checked/)
  })

  test('saving again updates the same rows; other users are untouched', async ({
    client,
    assert,
  }) => {
    const [me, other] = [await member(), await member()]
    await client.post('/notifications/preferences').form({}).loginAs(other).withCsrfToken()
    await client.post('/notifications/preferences').form({}).loginAs(me).withCsrfToken()
    await client
      .post('/notifications/preferences')
      .form({ 'push[invitation_received]': 'true' })
      .loginAs(me)
      .withCsrfToken()

    const mine = await db.from('notification_preferences').where('user_id', me.id)
    assert.lengthOf(mine, NOTIFICATION_CATEGORIES.length)
    assert.deepEqual(
      mine.filter((row) => row.push_enabled).map((row) => row.category),
      ['invitation_received']
    )
    const theirs = await db.from('notification_preferences').where('user_id', other.id)
    assert.isTrue(theirs.every((row) => !row.push_enabled))
  })

  test('a GM who streams no campaign is offered only what can reach them; their other choices are kept', async ({
    client,
    assert,
  }) => {
    const gm = await UserFactory.create()
    await CampaignFactory.merge({ ownerId: gm.id }).create()
    const preferences = await app.container.make(NotificationPreferences)
    await preferences.save(gm.id, { poll_ended: false, poll_started: true })

    const page = await client.get('/notifications/preferences').loginAs(gm)
    const html = page.text()
    for (const hidden of ['poll_started', 'poll_ended', 'authorization_expiring']) {
      assert.notInclude(html, `name="push[${hidden}]"`)
    }
    assert.notInclude(html, 'Poll started')
    assert.notInclude(html, 'Poll ended')
    assert.include(html, 'name="push[campaign_membership]"')
    assert.include(html, 'once you stream a campaign')

    await client
      .post('/notifications/preferences')
      .form({ 'push[campaign_membership]': 'true' })
      .loginAs(gm)
      .withCsrfToken()
    const choices = await preferences.choicesOf(gm.id)
    assert.isTrue(choices.campaign_membership)
    assert.isFalse(choices.invitation_received)
    assert.isFalse(choices.poll_ended, 'kept as it was')
    assert.isTrue(choices.poll_started, 'kept as it was')
  })

  test('the page needs a signed-in user, saving needs the CSRF token', async ({
    client,
    assert,
  }) => {
    const anonymous = await client.get('/notifications/preferences').redirects(0)
    anonymous.assertStatus(302)
    anonymous.assertHeader('location', '/')

    const user = await UserFactory.create()
    await client.post('/notifications/preferences').form({}).loginAs(user).redirects(0)
    assert.lengthOf(await db.from('notification_preferences'), 0)
  })

  test('the service worker and the control script are served as JavaScript', async ({
    client,
    assert,
  }) => {
    for (const path of ['/sw.js', '/js/push.js']) {
      const response = await client.get(path)
      response.assertStatus(200)
      assert.match(response.header('content-type') ?? '', /^(application|text)\/javascript/, path)
    }
    const worker = await client.get('/sw.js')
    assert.include(worker.text(), "addEventListener('notificationclick'")
  })

  test('the dashboard shows the control', async ({ client, assert }) => {
    const streamer = await StreamerFactory.with('user').create()
    await streamer.load('user')
    const response = await client.get('/dashboard').loginAs(streamer.user)

    response.assertStatus(200)
    assert.include(response.text(), 'data-push-control')
    assert.include(response.text(), 'href="/notifications/preferences"')
  })
})
