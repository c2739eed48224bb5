import { test } from '@japa/runner'
import type { ApiResponse } from '@japa/api-client'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import CampaignInvitation from '#models/campaign_invitation'
import type { ReadinessCheckResult } from '#services/campaigns/readiness_service'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { unusedPort } from '#tests/helpers/ports'
import app from '@adonisjs/core/services/app'
import twitchConfig from '#config/twitch'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import {
  SEEDED,
  campaignTestSetup,
  connectedStreamer,
  reloadStreamer,
  submit,
} from '#tests/helpers/campaigns'

/**
 * The GM's readiness page: every member's state, and "check now" asking Twitch.
 */
test.group('Campaigns: readiness', (group) => {
  const clock = campaignTestSetup(group)

  async function gmCampaign() {
    const gm = await connectedStreamer(SEEDED.dorian)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Ashes' }).create()
    return { gm, campaign }
  }

  /** What "check now" flashed for the readiness page. */
  function checkResults(response: ApiResponse) {
    return response.flashMessages().readinessCheck as unknown as ReadinessCheckResult[]
  }

  function row(html: string, status: string, login: string) {
    return html.includes(`readiness-row readiness-${status}" data-login="${login}"`)
  }

  test('each member shows where they stand', async ({ client, assert }) => {
    const { gm, campaign } = await gmCampaign()
    const now = clock.now()
    const member = (
      streamer: { id: number },
      state: Record<string, unknown> = {},
      apply?: 'pending' | 'notGranted' | 'expired'
    ) =>
      (apply ? CampaignMembershipFactory.apply(apply) : CampaignMembershipFactory)
        .merge({ campaignId: campaign.id, streamerId: streamer.id, ...state })
        .create()

    const aria = await connectedStreamer(SEEDED.aria)
    await member(aria, {
      pollAuthorizationGrantedAt: now.minus({ hours: 2 }),
      pollAuthorizationExpiresAt: now.plus({ hours: 10 }),
    })
    await member(await connectedStreamer(SEEDED.bram), {}, 'expired')
    await member(await connectedStreamer(SEEDED.cass), {}, 'notGranted')
    const pat = await connectedStreamer(SEEDED.pat)
    pat.tokenRefreshFailedAt = now.minus({ minutes: 5 })
    await pat.save()
    await member(pat)
    const gone = await StreamerFactory.with('user')
      .merge({ twitchLogin: 'gone_guy', twitchDisplayName: 'Gone_Guy', isActive: false })
      .create()
    await member(gone)
    const undecided = await StreamerFactory.with('user')
      .merge({ twitchLogin: 'undecided', twitchDisplayName: 'Undecided' })
      .create()
    await member(undecided, {}, 'pending')
    await CampaignInvitation.create({
      campaignId: campaign.id,
      twitchUserId: '777',
      twitchLogin: 'newcomer',
      twitchDisplayName: 'Newcomer',
      broadcasterType: '',
      invitedAt: now,
    })

    const response = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm.user)
    response.assertStatus(200)
    const html = response.text()
    assert.isTrue(row(html, 'authorized', 'aria_plays'), 'authorized')
    assert.isTrue(row(html, 'expired', 'bram_rolls'), 'expired')
    assert.isTrue(row(html, 'not_granted', 'cass_casts'), 'not granted')
    assert.isTrue(row(html, 'token_problem', 'plain_pat'), 'token problem')
    assert.isTrue(row(html, 'needs_reconnect', 'gone_guy'), 'needs to reconnect')
    assert.isTrue(row(html, 'invited', 'undecided'), 'invited')
    assert.isTrue(row(html, 'awaiting_sign_in', 'newcomer'), 'not signed in yet')

    // Aria is authorized until a given time, counted down live.
    const expiresAt = now.plus({ hours: 10 }).toUTC()
    assert.include(html, `data-expires-at="${expiresAt.toISO()}"`)
    assert.include(html, '10 h 00 min left')
    assert.include(html, expiresAt.toFormat("ccc d LLL, HH:mm 'UTC'"))
    assert.include(html, 'Not an affiliate or partner channel')
    assert.match(html, /<strong>1<\/strong> of 7/)
  })

  test('"check now" validates tokens, renews due ones and shows the result', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const now = clock.now()
    const aria = await connectedStreamer(SEEDED.aria)
    const cass = await connectedStreamer(SEEDED.cass)
    cass.tokenExpiresAt = now.plus({ minutes: 20 })
    await cass.save()
    const pat = await connectedStreamer(SEEDED.pat)
    for (const streamer of [aria, cass]) {
      await CampaignMembershipFactory.merge({
        campaignId: campaign.id,
        streamerId: streamer.id,
        pollAuthorizationGrantedAt: now,
        pollAuthorizationExpiresAt: now.plus({ hours: 12 }),
      }).create()
    }
    await CampaignMembershipFactory.apply('notGranted')
      .merge({ campaignId: campaign.id, streamerId: pat.id })
      .create()

    const response = await submit(
      client,
      'post',
      `/campaigns/${campaign.id}/readiness/check`,
      gm.user
    )

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/readiness`)
    response.assertFlashMessage(
      'success',
      'Checked 3 members with Twitch: 2 ready, 0 must reconnect, 1 without authorization.'
    )
    const results = checkResults(response)
    const byStreamer = new Map(results.map((result) => [result.streamerId, result.status]))
    assert.equal(byStreamer.get(aria.id), 'ready')
    assert.equal(byStreamer.get(cass.id), 'refreshed')
    assert.equal(byStreamer.get(pat.id), 'not_authorized')

    const stats = twitchEmulator.state.stats()
    assert.equal(stats.byUser[SEEDED.aria.id].validate, 1, 'a fresh token is validated')
    assert.equal(stats.byUser[SEEDED.cass.id]['token.refresh_token'], 1, 'a due token is renewed')
    assert.isUndefined(stats.byUser[SEEDED.pat.id], 'no authorization, no call')
    const renewed = await reloadStreamer(cass)
    assert.isTrue(renewed.tokenExpiresAt! > now.plus({ hours: 1 }))

    const page = await client
      .get(`/campaigns/${campaign.id}/readiness`)
      .loginAs(gm.user)
      .withSession({})
      .withFlashMessages({ readinessCheck: results })
    page.assertTextIncludes('Ready (token renewed)')
    page.assertTextIncludes('No authorization')
  })

  test('"check now" reports a streamer whose refresh Twitch refuses', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const now = clock.now()
    const bram = await connectedStreamer(SEEDED.bram)
    bram.tokenExpiresAt = now.minus({ minutes: 1 })
    await bram.save()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
      pollAuthorizationGrantedAt: now,
      pollAuthorizationExpiresAt: now.plus({ hours: 12 }),
    }).create()
    twitchEmulator.state.revokeRefresh(SEEDED.bram.id)

    const response = await submit(
      client,
      'post',
      `/campaigns/${campaign.id}/readiness/check`,
      gm.user
    )
    const results = checkResults(response)
    assert.equal(results[0].status, 'needs_reconnect')

    const page = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm.user)
    assert.isTrue(row(page.text(), 'token_problem', 'bram_rolls'))
  })

  test('"check now" with Twitch unreachable says so, and counts nobody as ready', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const now = clock.now()
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const streamer = await connectedStreamer(account)
      await CampaignMembershipFactory.merge({
        campaignId: campaign.id,
        streamerId: streamer.id,
        pollAuthorizationGrantedAt: now,
        pollAuthorizationExpiresAt: now.plus({ hours: 12 }),
      }).create()
    }
    // Twitch is down: its OAuth endpoints are on a port where nothing listens.
    const downUrl = `http://127.0.0.1:${await unusedPort()}/oauth2`
    app.container.swap(
      TwitchOAuthClient,
      () => new TwitchOAuthClient({ ...twitchConfig, oauthUrl: downUrl })
    )
    let response: ApiResponse
    try {
      response = await submit(client, 'post', `/campaigns/${campaign.id}/readiness/check`, gm.user)
    } finally {
      app.container.restore(TwitchOAuthClient)
    }

    response.assertFlashMessage(
      'error',
      'Twitch could not be reached: none of the 2 members could be checked. Try again in a minute.'
    )
    assert.notProperty(response.flashMessages(), 'success')
    const results = checkResults(response)
    assert.isTrue(results.every((result) => result.twitchUnreachable))

    const page = await client
      .get(`/campaigns/${campaign.id}/readiness`)
      .loginAs(gm.user)
      .withSession({})
      .withFlashMessages({ readinessCheck: results })
    page.assertTextIncludes('Not checked: Twitch could not be reached')
    assert.notInclude(page.text(), 'Check: <strong>Ready')
  })

  test('a member gets 403 on the readiness page and check; a stranger 404', async ({
    client,
    assert,
  }) => {
    const { campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: bram.id }).create()
    const stranger = await UserFactory.create()

    const memberPage = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(bram.user)
    memberPage.assertStatus(403)
    const memberCheck = await submit(
      client,
      'post',
      `/campaigns/${campaign.id}/readiness/check`,
      bram.user
    )
    memberCheck.assertStatus(403)

    const strangerPage = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(stranger)
    strangerPage.assertStatus(404)
    const strangerCheck = await submit(
      client,
      'post',
      `/campaigns/${campaign.id}/readiness/check`,
      stranger
    )
    strangerCheck.assertStatus(404)
    assert.equal(twitchEmulator.state.stats().counts.validate, 0)
  })
})
