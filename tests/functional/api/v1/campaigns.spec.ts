import { test } from '@japa/runner'
import { overlayOf } from '#tests/helpers/overlays'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { connectedStreamer } from '#tests/helpers/campaigns'
import { apiCall, apiTestSetup, apiTokenOf } from '#tests/helpers/api'
import { campaignWithChannels, SEEDED } from '#tests/helpers/polls'

/**
 * `GET /api/v1/me`, `GET /api/v1/campaigns` and
 * `GET /api/v1/campaigns/:id/readiness`.
 */
test.group('API v1: me, campaigns, readiness', (group) => {
  apiTestSetup(group)

  test('me: the token owner, with their Twitch login', async ({ client }) => {
    const streamer = await connectedStreamer(SEEDED.dorian)
    const token = await apiTokenOf(streamer.user)

    const response = await apiCall(client, 'get', '/api/v1/me', token)
    const overlay = await overlayOf(streamer)

    response.assertStatus(200)
    response.assertBody({
      id: streamer.userId,
      display_name: SEEDED.dorian.displayName,
      twitch_login: SEEDED.dorian.login,
      overlay_url: overlay.url,
    })
  })

  test('campaigns: only those the user runs as GM, with members and authorized counts', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram, SEEDED.cass])
    const pat = await connectedStreamer(SEEDED.pat)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: pat.id })
      .apply('expired')
      .create()
    const quiet = await CampaignFactory.merge({ ownerId: gm.id, name: 'Side quest' }).create()
    // Someone else's campaign, in which the GM's own channel streams: not listed.
    const gmStreamer = await connectedStreamer(SEEDED.dorian)
    const otherGm = await UserFactory.create()
    const other = await CampaignFactory.merge({ ownerId: otherGm.id }).create()
    await CampaignMembershipFactory.merge({
      campaignId: other.id,
      streamerId: gmStreamer.id,
    }).create()
    const token = await apiTokenOf(gm)

    const response = await apiCall(client, 'get', '/api/v1/campaigns', token)

    response.assertStatus(200)
    const data = response.body().data as { id: number }[]
    assert.sameMembers(
      data.map((row) => row.id),
      [campaign.id, quiet.id]
    )
    assert.deepInclude(data, {
      id: campaign.id,
      name: campaign.name,
      members: 3,
      authorized: 2,
      invited: 0,
    })
    assert.deepInclude(data, {
      id: quiet.id,
      name: 'Side quest',
      members: 0,
      authorized: 0,
      invited: 0,
    })
  })

  test('readiness: which channel can run a Twitch poll, and why the others cannot', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram, SEEDED.pat])
    const cass = await connectedStreamer(SEEDED.cass)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: cass.id })
      .apply('expired')
      .create()
    const token = await apiTokenOf(gm)

    const response = await apiCall(
      client,
      'get',
      `/api/v1/campaigns/${campaign.id}/readiness`,
      token
    )

    response.assertStatus(200)
    const body = response.body()
    assert.equal(body.ready, 1)
    assert.equal(body.total, 3)
    const byLogin = Object.fromEntries(
      body.channels.map((channel: { twitch_login: string }) => [channel.twitch_login, channel])
    )
    assert.deepInclude(byLogin.bram_rolls, {
      status: 'ready',
      can_run_poll: true,
      voting: 'twitch',
      reason: null,
    })
    assert.deepInclude(byLogin.plain_pat, {
      status: 'no_polls',
      can_run_poll: false,
      voting: null,
      reason:
        'Not an affiliate or partner channel: Twitch polls are not available on it. ' +
        'Chat voting needs Twitch events, which are off.',
    })
    assert.deepInclude(byLogin.cass_casts, {
      status: 'expired',
      can_run_poll: false,
      voting: null,
      reason: 'The 12-hour authorization is over.',
    })
  })

  test("readiness: another GM's campaign is a 404, a campaign the user only streams in a 403", async ({
    client,
    assert,
  }) => {
    const { campaign, streamers } = await campaignWithChannels([SEEDED.bram])
    const stranger = await UserFactory.create()
    const url = `/api/v1/campaigns/${campaign.id}/readiness`

    const notYours = await apiCall(client, 'get', url, await apiTokenOf(stranger))
    notYours.assertStatus(404)
    notYours.assertBody({ errors: [{ message: 'Not found.' }] })

    const member = await apiCall(client, 'get', url, await apiTokenOf(streamers.bram_rolls.user))
    member.assertStatus(403)
    assert.equal(member.body().errors[0].message, 'Only the GM of this campaign can do that')
  })
})
