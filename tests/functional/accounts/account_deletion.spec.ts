import { test } from '@japa/runner'
import User from '#models/user'
import Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'
import Notification from '#models/notification'
import Poll from '#models/poll'
import PollChannel from '#models/poll_channel'
import PollRun from '#models/poll_run'
import PushSubscription from '#models/push_subscription'
import Streamer from '#models/streamer'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { CAMPAIGN_DELETED_TYPE } from '#services/accounts/account_deletion_service'
import { SEEDED, campaignTestSetup, connectedStreamer, submit } from '#tests/helpers/campaigns'
import { preparedPoll, launchKey } from '#tests/helpers/polls'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * Dorian runs "Ashes" (Aria streams in it) and streams in Bram's "Embers";
 * Dorian has a device subscribed to push and a notification.
 */
async function doriansWorld() {
  const dorian = await connectedStreamer(SEEDED.dorian)
  const aria = await connectedStreamer(SEEDED.aria)
  const bram = await connectedStreamer(SEEDED.bram)
  const ashes = await CampaignFactory.merge({ ownerId: dorian.userId, name: 'Ashes' }).create()
  const embers = await CampaignFactory.merge({ ownerId: bram.userId, name: 'Embers' }).create()
  await CampaignMembershipFactory.merge({ campaignId: ashes.id, streamerId: aria.id }).create()
  await CampaignMembershipFactory.merge({ campaignId: embers.id, streamerId: dorian.id }).create()
  await preparedPoll(ashes)
  await PushSubscription.create({
    userId: dorian.userId,
    endpoint: 'https://push.example.test/dorian',
    p256dh: 'key',
    auth: 'secret',
    userAgent: 'test',
  })
  await Notification.create({
    userId: dorian.userId,
    type: 'test',
    title: 'Hello',
    body: 'A notification of Dorian',
    url: null,
  })
  const tokens = { access: dorian.accessToken!, refresh: dorian.refreshToken! }
  return { dorian, aria, bram, ashes, embers, tokens }
}

async function validateStatus(accessToken: string) {
  const response = await fetch(`${twitchEmulator.oauthUrl}/validate`, {
    headers: { Authorization: `OAuth ${accessToken}` },
  })
  return response.status
}

async function refreshStatus(refreshToken: string) {
  const response = await fetch(`${twitchEmulator.oauthUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'chorus-test-client',
      client_secret: 'chorus-test-secret',
    }).toString(),
  })
  return response.status
}

test.group('Accounts: deletion', (group) => {
  campaignTestSetup(group)

  test('the account page says what deletion does, campaign by campaign', async ({
    client,
    assert,
  }) => {
    const { dorian } = await doriansWorld()
    await dorian.load('user')

    const page = await client.get('/account').loginAs(dorian.user)

    page.assertStatus(200)
    page.assertTextIncludes('Delete your account')
    page.assertTextIncludes('revoke its access to your Twitch account at Twitch')
    page.assertTextIncludes('“Ashes” (1 streamer)')
    page.assertTextIncludes('“Embers”')
    page.assertTextIncludes('Type <strong>dorian_dm</strong> to confirm')
    assert.match(page.text(), /name=['"]_csrf['"] value=['"][^'"]+['"]/)
  })

  test('confirmed: tokens revoked at Twitch, everything of the person removed, others told', async ({
    client,
    assert,
  }) => {
    const { dorian, aria, bram, ashes, embers, tokens } = await doriansWorld()
    assert.equal(await validateStatus(tokens.access), 200)
    await dorian.load('user')

    const response = await submit(client, 'delete', '/account', dorian.user, {
      confirmation: 'Dorian_DM',
    })

    response.assertStatus(302)
    response.assertHeader('location', '/')
    response.assertFlashMessage(
      'success',
      'Your Chorus account was deleted. Thank you for playing.'
    )

    // Dead at Twitch, as the emulator sees them
    assert.equal(await validateStatus(tokens.access), 401)
    assert.equal(await refreshStatus(tokens.refresh), 400)

    assert.isNull(await User.find(dorian.userId))
    assert.isNull(await Streamer.find(dorian.id))
    assert.isNull(await Campaign.find(ashes.id))
    assert.lengthOf(await Poll.query().where('campaign_id', ashes.id), 0)
    assert.lengthOf(await CampaignMembership.query().where('streamer_id', dorian.id), 0)
    assert.lengthOf(await PushSubscription.query().where('user_id', dorian.userId), 0)
    assert.lengthOf(await Notification.query().where('user_id', dorian.userId), 0)

    // Bram's campaign stays, without Dorian; Aria's account is untouched
    assert.isNotNull(await Campaign.find(embers.id))
    assert.isNotNull(await Streamer.find(aria.id))
    assert.equal(await validateStatus(aria.accessToken!), 200)

    const toAria = await Notification.query().where('user_id', aria.userId).firstOrFail()
    assert.equal(toAria.type, CAMPAIGN_DELETED_TYPE)
    assert.equal(toAria.title, '"Ashes" was deleted')
    const toBram = await Notification.query().where('user_id', bram.userId).firstOrFail()
    assert.equal(toBram.title, 'Dorian_DM left "Embers"')
    assert.include(toBram.body, 'deleted their Chorus account')
  })

  test('a wrong confirmation deletes nothing', async ({ client, assert }) => {
    const { dorian, tokens } = await doriansWorld()
    await dorian.load('user')

    const response = await submit(client, 'delete', '/account', dorian.user, {
      confirmation: 'yes',
    })

    response.assertStatus(302)
    response.assertHeader('location', '/account')
    response.assertFlashMessage('error', 'Type dorian_dm to confirm: your account was not deleted.')
    assert.isNotNull(await User.find(dorian.userId))
    assert.equal(await validateStatus(tokens.access), 200)
  })

  test('without the CSRF token nothing is deleted', async ({ client, assert }) => {
    const { dorian } = await doriansWorld()
    await dorian.load('user')

    await client
      .delete('/account')
      .loginAs(dorian.user)
      .form({ confirmation: 'dorian_dm' })
      .redirects(0)

    assert.isNotNull(await User.find(dorian.userId))
  })

  test('a live poll in one of their campaigns holds the deletion back', async ({
    client,
    assert,
  }) => {
    const { dorian, ashes, tokens } = await doriansWorld()
    await dorian.load('user')
    await PollRun.create({
      campaignId: ashes.id,
      launchedById: dorian.userId,
      idempotencyKey: launchKey(),
      status: 'running',
      title: 'Trust the innkeeper?',
      choices: ['Yes', 'No'],
      durationSeconds: 120,
      channelPointsPerVote: null,
    })

    const page = await client.get('/account').loginAs(dorian.user)
    page.assertTextIncludes('A poll is live in “Ashes”')
    const response = await submit(client, 'delete', '/account', dorian.user, {
      confirmation: 'dorian_dm',
    })

    response.assertStatus(302)
    response.assertHeader('location', '/account')
    response.assertFlashMessage(
      'error',
      'A poll is live in "Ashes": end it, or let it end, before deleting your account.'
    )
    assert.isNotNull(await User.find(dorian.userId))
    assert.equal(await validateStatus(tokens.access), 200)
  })

  test("a live poll on their channel, in another GM's campaign, holds it back too", async ({
    client,
    assert,
  }) => {
    const { dorian, bram, embers } = await doriansWorld()
    await dorian.load('user')
    const run = await PollRun.create({
      campaignId: embers.id,
      launchedById: bram.userId,
      idempotencyKey: launchKey(),
      status: 'running',
      title: 'Left or right?',
      choices: ['Left', 'Right'],
      durationSeconds: 120,
      channelPointsPerVote: null,
    })
    await PollChannel.create({
      pollRunId: run.id,
      streamerId: dorian.id,
      twitchUserId: dorian.twitchUserId,
      twitchLogin: dorian.twitchLogin,
      displayName: dorian.twitchDisplayName,
      outcome: 'created',
      totalVotes: 0,
    })

    const response = await submit(client, 'delete', '/account', dorian.user, {
      confirmation: 'dorian_dm',
    })

    response.assertFlashMessage(
      'error',
      'A poll is live in "Embers": end it, or let it end, before deleting your account.'
    )
    assert.isNotNull(await User.find(dorian.userId))
  })

  test('signed out, the account page asks to sign in', async ({ client }) => {
    const response = await client.get('/account').redirects(0)
    response.assertStatus(302)
  })
})
