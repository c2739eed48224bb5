import { test } from '@japa/runner'
import type { ApiClient, ApiResponse } from '@japa/api-client'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import CampaignInvitation from '#models/campaign_invitation'
import type User from '#models/user'
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

  /** A member whose 12-hour poll authorization starts now, on the test's clock. */
  function authorizedMember(campaign: { id: number }, streamer: { id: number }) {
    const now = clock.now()
    return CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: streamer.id,
      pollAuthorizationGrantedAt: now,
      pollAuthorizationExpiresAt: now.plus({ hours: 12 }),
    }).create()
  }

  /** The GM's "check now" form. */
  function checkNow(client: ApiClient, campaign: { id: number }, user: User) {
    return submit(client, 'post', `/campaigns/${campaign.id}/readiness/check`, user)
  }

  /** The readiness page the "check now" redirect lands on, with the results it flashed. */
  function pageAfterCheck(
    client: ApiClient,
    campaign: { id: number },
    user: User,
    results: ReadinessCheckResult[]
  ) {
    return client
      .get(`/campaigns/${campaign.id}/readiness`)
      .loginAs(user)
      .withSession({})
      .withFlashMessages({ readinessCheck: results })
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
    // Authorized, but not an affiliate: no Twitch poll can run there.
    await member(await connectedStreamer(SEEDED.pat))
    const troubled = await StreamerFactory.with('user')
      .merge({
        twitchLogin: 'troubled',
        twitchDisplayName: 'Troubled',
        tokenRefreshFailedAt: now.minus({ minutes: 5 }),
      })
      .create()
    await member(troubled)
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
    assert.isTrue(row(html, 'ready', 'aria_plays'), 'ready')
    assert.isTrue(row(html, 'expired', 'bram_rolls'), 'expired')
    assert.isTrue(row(html, 'not_granted', 'cass_casts'), 'not granted')
    assert.isTrue(row(html, 'token_problem', 'troubled'), 'token problem')
    assert.isTrue(row(html, 'no_polls', 'plain_pat'), 'no Twitch polls')
    assert.isTrue(row(html, 'needs_reconnect', 'gone_guy'), 'needs to reconnect')
    assert.isTrue(row(html, 'invited', 'undecided'), 'invited')
    assert.isTrue(row(html, 'awaiting_sign_in', 'newcomer'), 'not signed in yet')

    // Aria is authorized until a given time, counted down live.
    const expiresAt = now.plus({ hours: 10 }).toUTC()
    assert.include(html, `data-expires-at="${expiresAt.toISO()}"`)
    assert.include(html, '10 h 00 min left')
    assert.include(html, expiresAt.toFormat("ccc d LLL, HH:mm 'UTC'"))
    assert.include(html, 'Not an affiliate or partner channel')
    // Polls run on Aria's and Troubled's channels (the token is renewed at
    // launch); members are the six who accepted, two more are invited.
    assert.match(html, /<strong data-ready>2<\/strong> of 6\s+members can run polls\s+· 2 invited/)
  })

  test('a non-affiliate channel reads one reason, and is not counted as running polls', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    for (const account of [SEEDED.bram, SEEDED.pat]) {
      const streamer = await connectedStreamer(account)
      await authorizedMember(campaign, streamer)
    }

    const response = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(gm.user)
    const html = response.text()
    const patRow = html.slice(html.indexOf('data-login="plain_pat"'))
    const patItem = patRow.slice(0, patRow.indexOf('</li>'))
    assert.include(patItem, 'No Twitch polls')
    assert.include(patItem, 'Twitch polls are not available on it.')
    assert.notInclude(patItem, 'Polls will run')
    assert.notInclude(patItem, 'data-expires-at', 'no countdown for a channel polls skip')
    assert.match(html, /<strong data-ready>1<\/strong> of 2\s+members can run polls/)

    // The GM's campaign page says the same, once.
    const campaignPage = await client.get(`/campaigns/${campaign.id}`).loginAs(gm.user)
    const show = campaignPage.text()
    const showRow = show.slice(show.indexOf('<tr data-login="plain_pat"'))
    const showItem = showRow.slice(0, showRow.indexOf('</tr>'))
    assert.include(showItem, 'No Twitch polls')
    assert.equal(showItem.split('Twitch polls are not available').length, 2, 'said once')
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
    // Pat is authorized, but no Twitch poll can run on a non-affiliate channel.
    const pat = await connectedStreamer(SEEDED.pat)
    const bram = await connectedStreamer(SEEDED.bram)
    for (const streamer of [aria, cass, pat]) {
      await authorizedMember(campaign, streamer)
    }
    await CampaignMembershipFactory.apply('notGranted')
      .merge({ campaignId: campaign.id, streamerId: bram.id })
      .create()

    const response = await checkNow(client, campaign, gm.user)

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/readiness`)
    response.assertFlashMessage(
      'success',
      'Checked 4 members with Twitch: 2 ready, 0 to reconnect, 1 without authorization, ' +
        '1 without Twitch polls.'
    )
    const results = checkResults(response)
    const byStreamer = new Map(results.map((result) => [result.streamerId, result.status]))
    assert.equal(byStreamer.get(aria.id), 'ready')
    assert.equal(byStreamer.get(cass.id), 'refreshed')
    assert.equal(byStreamer.get(bram.id), 'not_authorized')
    assert.isFalse(results.find((result) => result.streamerId === pat.id)!.ready)

    const stats = twitchEmulator.state.stats()
    assert.equal(stats.byUser[SEEDED.aria.id].validate, 1, 'a fresh token is validated')
    assert.equal(stats.byUser[SEEDED.cass.id]['token.refresh_token'], 1, 'a due token is renewed')
    assert.isUndefined(stats.byUser[SEEDED.bram.id], 'no authorization, no call')
    const renewed = await reloadStreamer(cass)
    assert.isTrue(renewed.tokenExpiresAt! > now.plus({ hours: 1 }))

    const page = await pageAfterCheck(client, campaign, gm.user, results)
    page.assertTextIncludes('Token renewed')
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
    await authorizedMember(campaign, bram)
    twitchEmulator.state.revokeRefresh(SEEDED.bram.id)

    const response = await checkNow(client, campaign, gm.user)
    const results = checkResults(response)
    assert.equal(results[0].status, 'needs_reconnect')

    const page = await pageAfterCheck(client, campaign, gm.user, results)
    assert.isTrue(row(page.text(), 'token_problem', 'bram_rolls'))
    assert.include(page.text(), '<strong>Needs to reconnect</strong>')
    assert.include(page.text(), 'The token was due for renewal. Twitch refused to renew it.')
  })

  test('"check now" in French: each result and what the check found; one label for reconnecting', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    gm.user.locale = 'fr'
    await gm.user.save()
    const aria = await connectedStreamer(SEEDED.aria)
    const bram = await connectedStreamer(SEEDED.bram)
    bram.tokenExpiresAt = clock.now().minus({ minutes: 1 })
    await bram.save()
    await authorizedMember(campaign, aria)
    await authorizedMember(campaign, bram)
    twitchEmulator.state.revokeRefresh(SEEDED.bram.id)

    const results = checkResults(await checkNow(client, campaign, gm.user))
    const page = await pageAfterCheck(client, campaign, gm.user, results)
    const html = page.text()

    const detailOf = (login: string) => {
      const rest = html.slice(html.indexOf(`data-login="${login}"`))
      return rest.match(/data-check-detail>— ([^<]*)</)![1]
    }
    assert.match(detailOf('aria_plays'), /^Jeton valide encore \d+ h \d+ min\.$/)
    assert.equal(
      detailOf('bram_rolls'),
      'Le jeton arrivait à échéance. Twitch a refusé de le renouveler.'
    )
    // The check's verdict for a refused renewal is the channel state's own label.
    assert.include(html, '<strong>Doit se reconnecter</strong>')
    assert.notInclude(html, 'Token valid for')
  })

  test('"check now" on a deactivated member says they need to reconnect once', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    const bram = await connectedStreamer(SEEDED.bram)
    bram.isActive = false
    await bram.save()
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: bram.id }).create()

    const response = await checkNow(client, campaign, gm.user)
    response.assertFlashMessage(
      'success',
      'Checked 1 member with Twitch: 0 ready, 1 to reconnect, 0 without authorization.'
    )
    const page = await pageAfterCheck(client, campaign, gm.user, checkResults(response))
    const html = page.text()
    assert.isTrue(row(html, 'needs_reconnect', 'bram_rolls'))
    assert.equal(html.split('must sign in with Twitch again').length, 2, 'said once')
    assert.notInclude(html, 'check-result')
    assert.equal(twitchEmulator.state.stats().counts.validate, 0, 'Twitch is not asked')
  })

  test('"check now" with Twitch unreachable says so, and counts nobody as ready', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await gmCampaign()
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const streamer = await connectedStreamer(account)
      await authorizedMember(campaign, streamer)
    }
    // Twitch is down: its OAuth endpoints are on a port where nothing listens.
    const downUrl = `http://127.0.0.1:${await unusedPort()}/oauth2`
    app.container.swap(
      TwitchOAuthClient,
      () => new TwitchOAuthClient({ ...twitchConfig, oauthUrl: downUrl })
    )
    let response: ApiResponse
    try {
      response = await checkNow(client, campaign, gm.user)
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

    const page = await pageAfterCheck(client, campaign, gm.user, results)
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
    const memberCheck = await checkNow(client, campaign, bram.user)
    memberCheck.assertStatus(403)

    const strangerPage = await client.get(`/campaigns/${campaign.id}/readiness`).loginAs(stranger)
    strangerPage.assertStatus(404)
    const strangerCheck = await checkNow(client, campaign, stranger)
    strangerCheck.assertStatus(404)
    assert.equal(twitchEmulator.state.stats().counts.validate, 0)
  })
})
