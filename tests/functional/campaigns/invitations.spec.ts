import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'
import Notification from '#models/notification'
import Streamer from '#models/streamer'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { SEEDED, campaignTestSetup, connectedStreamer, submit } from '#tests/helpers/campaigns'
import { assertInputError } from '#tests/helpers/validation'

function invite(client: ApiClient, campaign: Campaign, user: User, login: string) {
  return submit(client, 'post', `/campaigns/${campaign.id}/invitations`, user, { login })
}

async function gmCampaign() {
  const gm = await connectedStreamer(SEEDED.dorian)
  const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Ashes' }).create()
  return { gm, campaign }
}

const INVITED_SELF =
  'That is your own Twitch account: you run this campaign. Invite the streamers who play in it.'

/**
 * The GM invites streamers by Twitch login (checked on Twitch with the GM's
 * own token), withdraws invitations and removes members.
 */
test.group('Campaigns: invitations and members', (group) => {
  campaignTestSetup(group)

  test('inviting a streamer who uses Chorus creates a pending membership and tells them', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)

    const response = await invite(client, campaign, gm.user, 'bram_rolls')

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    response.assertFlashMessage(
      'success',
      'Bram_Rolls is invited: the invitation is on their dashboard.'
    )
    const membership = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .where('streamer_id', bram.id)
      .firstOrFail()
    assert.equal(membership.status, 'pending')
    assert.isNull(membership.acceptedAt)
    assert.isNull(membership.pollAuthorizationExpiresAt)

    const stats = twitchEmulator.state.stats()
    assert.equal(stats.byUser[SEEDED.dorian.id].users, 1, 'looked up with the GM token')

    const notification = await Notification.query().where('user_id', bram.userId).firstOrFail()
    assert.equal(notification.type, 'campaign.invited')
    assert.include(notification.title, 'Ashes')
  })

  test('"@Login" and a channel URL are read as the login', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    const aria = await connectedStreamer(SEEDED.aria)

    for (const login of ['@Bram_Rolls', 'https://www.twitch.tv/aria_plays']) {
      const response = await invite(client, campaign, gm.user, login)
      response.assertFlashMissing('error')
    }
    const invited = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .orderBy('streamer_id')
    assert.deepEqual(
      invited.map((membership) => membership.streamerId).sort(),
      [bram.id, aria.id].sort()
    )
  })

  test('a login that never signed in gets the invitation on first sign-in', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()

    const response = await invite(client, campaign, gm.user, 'cass_casts')
    response.assertFlashMessage(
      'success',
      'Cass_Casts is invited: they will see the invitation when they first sign in to Chorus.'
    )
    const waiting = await CampaignInvitation.query().where('campaign_id', campaign.id).firstOrFail()
    assert.equal(waiting.twitchUserId, SEEDED.cass.id)
    assert.equal(waiting.twitchLogin, 'cass_casts')
    assert.lengthOf(await CampaignMembership.all(), 0)

    const page = await client.get(`/campaigns/${campaign.id}`).loginAs(gm.user)
    page.assertTextIncludes('Not signed in yet')

    // Cass signs in with Twitch for the first time.
    const session = new HttpSession()
    const callback = await signInWithTwitch(session, SEEDED.cass.id)
    assert.equal(callback.headers.get('location'), '/dashboard')

    const cass = await Streamer.findByOrFail('twitch_user_id', SEEDED.cass.id)
    const membership = await CampaignMembership.query()
      .where('campaign_id', campaign.id)
      .where('streamer_id', cass.id)
      .firstOrFail()
    assert.equal(membership.status, 'pending')
    assert.equal(membership.invitedAt.toMillis(), waiting.invitedAt.toMillis())
    assert.lengthOf(await CampaignInvitation.all(), 0)

    const dashboardResponse = await session.get('/dashboard')
    const dashboard = await dashboardResponse.text()
    assert.include(dashboard, 'Invitations')
    assert.include(dashboard, 'Ashes')
    assert.include(dashboard, `/memberships/${membership.id}/accept`)
  })

  test('an unknown Twitch login is refused with a clear message', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const response = await invite(client, campaign, gm.user, 'nobody_by_this_name')

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    response.assertFlashMessage(
      'error',
      'There is no Twitch account called "nobody_by_this_name". Check the spelling of the login.'
    )
    response.assertFlashMessage('login', 'nobody_by_this_name')
    assert.lengthOf(await CampaignMembership.all(), 0)
    assert.lengthOf(await CampaignInvitation.all(), 0)
  })

  test('a GM cannot invite their own Twitch account, even after a rename on Twitch', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()

    const byLogin = await invite(client, campaign, gm.user, '@Dorian_DM')
    byLogin.assertStatus(302)
    byLogin.assertHeader('location', `/campaigns/${campaign.id}`)
    byLogin.assertFlashMessage('error', INVITED_SELF)
    assert.notProperty(twitchEmulator.state.stats().byUser, SEEDED.dorian.id, 'Twitch not asked')

    // Chorus still knows the GM under an older login: Twitch's answer gives them away.
    gm.twitchLogin = 'dorian_before_rename'
    await gm.save()
    const byTwitchId = await invite(client, campaign, gm.user, 'dorian_dm')
    byTwitchId.assertFlashMessage('error', INVITED_SELF)

    assert.lengthOf(await CampaignMembership.all(), 0)
    assert.lengthOf(await CampaignInvitation.all(), 0)
    assert.lengthOf(await Notification.all(), 0)
  })

  test('an empty or malformed login is refused before asking Twitch', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const empty = await submit(client, 'post', `/campaigns/${campaign.id}/invitations`, gm.user, {
      login: '  ',
    })
    assertInputError(empty, 'login', "Type the streamer's Twitch login.")

    const malformed = await invite(client, campaign, gm.user, 'not a login!')
    assertInputError(
      malformed,
      'login',
      'A Twitch login is 1 to 25 letters, digits or underscores, e.g. aria_plays.'
    )
    assert.equal(twitchEmulator.state.stats().counts.users, 0)
  })

  test('inviting a member again says so and changes nothing', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: bram.id }).create()

    const response = await invite(client, campaign, gm.user, 'bram_rolls')
    response.assertFlashMessage('error', 'Bram_Rolls is already a member of this campaign.')
    const memberships = await CampaignMembership.all()
    assert.lengthOf(memberships, 1)
    assert.equal(memberships[0].status, 'active')
  })

  test('inviting a login twice before their first sign-in says so', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    for (const expected of ['success', 'error'] as const) {
      const response = await invite(client, campaign, gm.user, 'cass_casts')
      assert.isTrue(response.flashMessages()[expected] !== undefined, `expected a ${expected}`)
    }
    assert.lengthOf(await CampaignInvitation.all(), 1)
  })

  test('a refused GM token is renewed once and the lookup retried', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    await connectedStreamer(SEEDED.bram)
    twitchEmulator.state.invalidateAccess(SEEDED.dorian.id)

    const response = await invite(client, campaign, gm.user, 'bram_rolls')

    response.assertFlashMissing('error')
    assert.lengthOf(await CampaignMembership.all(), 1)
    const stats = twitchEmulator.state.stats()
    assert.equal(stats.byUser[SEEDED.dorian.id]['token.refresh_token'], 1)
    assert.equal(stats.counts.users, 2, 'the 401, then the retry with the new token')
    const reloaded = await Streamer.findOrFail(gm.id)
    assert.notEqual(reloaded.accessToken, gm.accessToken, 'the renewed token is stored')
    assert.isNull(reloaded.tokenRefreshFailedAt)
  })

  test('a GM whose Twitch connection is dead is asked to reconnect', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    gm.isActive = false
    await gm.save()

    const response = await invite(client, campaign, gm.user, 'bram_rolls')
    response.assertFlashMessage(
      'error',
      'Chorus could not use your Twitch connection to look the login up. Reconnect your Twitch account, then invite again.'
    )
    response.assertFlashMessage('reconnect', true)
    assert.equal(twitchEmulator.state.stats().counts.users, 0)
  })

  test('Twitch being down is reported as such, not as an unknown login', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    twitchEmulator.state.failHelix(SEEDED.dorian.id, { status: 503 })

    const response = await invite(client, campaign, gm.user, 'bram_rolls')
    response.assertFlashMessage(
      'error',
      'Twitch is not answering right now, so the login could not be checked. Please try again in a minute.'
    )
    assert.lengthOf(await CampaignInvitation.all(), 0)
  })

  test('only the GM invites: a member gets 403, a stranger 404', async ({ client, assert }) => {
    const { campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: bram.id }).create()
    const stranger = await connectedStreamer(SEEDED.aria)

    const asMember = await invite(client, campaign, bram.user, 'cass_casts')
    asMember.assertStatus(403)
    const asStranger = await invite(client, campaign, stranger.user, 'cass_casts')
    asStranger.assertStatus(404)

    assert.lengthOf(await CampaignInvitation.all(), 0)
    assert.equal(twitchEmulator.state.stats().counts.users, 0)
  })

  test('the GM withdraws a waiting invitation; a stranger cannot', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const invitation = await CampaignInvitation.create({
      campaignId: campaign.id,
      twitchUserId: SEEDED.cass.id,
      twitchLogin: 'cass_casts',
      twitchDisplayName: 'Cass_Casts',
      broadcasterType: 'affiliate',
      invitedAt: campaign.createdAt,
    })
    const stranger = await UserFactory.create()

    const refused = await submit(
      client,
      'delete',
      `/campaigns/${campaign.id}/invitations/${invitation.id}`,
      stranger
    )
    refused.assertStatus(404)
    assert.isNotNull(await CampaignInvitation.find(invitation.id))

    const response = await submit(
      client,
      'delete',
      `/campaigns/${campaign.id}/invitations/${invitation.id}`,
      gm.user
    )
    response.assertStatus(302)
    response.assertFlashMessage('success', 'The invitation of cass_casts is withdrawn.')
    assert.isNull(await CampaignInvitation.find(invitation.id))
  })

  test('the GM removes a member, who is told', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    const membership = await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
    }).create()

    const response = await submit(
      client,
      'delete',
      `/campaigns/${campaign.id}/members/${membership.id}`,
      gm.user
    )
    response.assertStatus(302)
    response.assertFlashMessage('success', 'Bram_Rolls is no longer a member of this campaign.')
    assert.isNull(await CampaignMembership.find(membership.id))
    const notification = await Notification.query().where('user_id', bram.userId).firstOrFail()
    assert.equal(notification.type, 'campaign.member_removed')
  })

  test('members cannot be removed by a member, a stranger, or through another campaign', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    const cass = await connectedStreamer(SEEDED.cass)
    const bramMembership = await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
    }).create()
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: cass.id }).create()

    // Cass (a member) tries to remove Bram.
    const asMember = await submit(
      client,
      'delete',
      `/campaigns/${campaign.id}/members/${bramMembership.id}`,
      cass.user
    )
    asMember.assertStatus(403)

    // Another GM tries through their own campaign.
    const otherGm = await connectedStreamer(SEEDED.aria)
    const otherCampaign = await CampaignFactory.merge({ ownerId: otherGm.userId }).create()
    const throughOwn = await submit(
      client,
      'delete',
      `/campaigns/${otherCampaign.id}/members/${bramMembership.id}`,
      otherGm.user
    )
    throughOwn.assertStatus(404)
    const direct = await submit(
      client,
      'delete',
      `/campaigns/${campaign.id}/members/${bramMembership.id}`,
      otherGm.user
    )
    direct.assertStatus(404)

    assert.isNotNull(await CampaignMembership.find(bramMembership.id))
    assert.equal(gm.userId, campaign.ownerId)
  })
})
