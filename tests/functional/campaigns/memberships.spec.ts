import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import CampaignMembership from '#models/campaign_membership'
import Notification from '#models/notification'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import {
  SEEDED,
  campaignTestSetup,
  connectedStreamer,
  reloadStreamer,
  submit,
} from '#tests/helpers/campaigns'
import { isAuthorizationActive } from '#services/campaigns/channel_state'

type Action = 'accept' | 'decline' | 'grant' | 'revoke' | 'leave'

function act(client: ApiClient, action: Action, membership: CampaignMembership, user: User) {
  return submit(client, 'post', `/memberships/${membership.id}/${action}`, user)
}

const RECONNECT =
  'Twitch refused to renew your token, so the authorization was not granted. ' +
  'Reconnect your Twitch account, then grant it.'

const DISCONNECTED =
  'Twitch no longer accepts your connection. Reconnect your Twitch account, then grant the ' +
  'authorization.'

/**
 * The streamer's side: answer invitations, grant / revoke the 12-hour poll
 * authorization (refreshing the token first, docs/token-policy.md), leave.
 */
test.group('Campaigns: the streamer answers, grants, revokes, leaves', (group) => {
  const clock = campaignTestSetup(group)

  async function membershipOf(
    account: (typeof SEEDED)[keyof typeof SEEDED],
    state: 'active' | 'pending' | 'notGranted' = 'notGranted'
  ) {
    const gm = await connectedStreamer(SEEDED.dorian)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Ashes' }).create()
    const streamer = await connectedStreamer(account)
    const factory =
      state === 'active' ? CampaignMembershipFactory : CampaignMembershipFactory.apply(state)
    const membership = await factory
      .merge({ campaignId: campaign.id, streamerId: streamer.id })
      .create()
    return { gm, campaign, streamer, membership }
  }

  test('accepting an invitation makes the streamer a member and tells the GM', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamer, membership } = await membershipOf(SEEDED.bram, 'pending')

    const response = await act(client, 'accept', membership, streamer.user)

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    await membership.refresh()
    assert.equal(membership.status, 'active')
    assert.equal(membership.acceptedAt!.toMillis(), clock.now().toMillis())
    assert.isNull(membership.pollAuthorizationExpiresAt, 'accepting grants nothing yet')
    const notification = await Notification.query().where('user_id', gm.userId).firstOrFail()
    assert.equal(notification.type, 'campaign.invitation_accepted')
    assert.equal(notification.title, 'Bram_Rolls joined "Ashes"')
  })

  test("accepting someone else's invitation answers 404 and changes nothing", async ({
    client,
    assert,
  }) => {
    const { membership } = await membershipOf(SEEDED.bram, 'pending')
    const intruder = await connectedStreamer(SEEDED.cass)

    const response = await act(client, 'accept', membership, intruder.user)
    response.assertStatus(404)
    await membership.refresh()
    assert.equal(membership.status, 'pending')
  })

  test('accepting twice says the invitation is already accepted', async ({ client }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram, 'notGranted')
    const response = await act(client, 'accept', membership, streamer.user)
    response.assertFlashMessage('error', 'You already accepted this invitation.')
  })

  test('declining removes the invitation and tells the GM', async ({ client, assert }) => {
    const { gm, streamer, membership } = await membershipOf(SEEDED.bram, 'pending')
    const response = await act(client, 'decline', membership, streamer.user)
    response.assertHeader('location', '/dashboard')
    assert.isNull(await CampaignMembership.find(membership.id))
    const notification = await Notification.query().where('user_id', gm.userId).firstOrFail()
    assert.equal(notification.type, 'campaign.invitation_declined')
  })

  test("declining someone else's invitation answers 404", async ({ client, assert }) => {
    const { gm, membership } = await membershipOf(SEEDED.bram, 'pending')
    const response = await act(client, 'decline', membership, gm.user)
    response.assertStatus(404)
    assert.isNotNull(await CampaignMembership.find(membership.id))
  })

  test('granting refreshes the token and authorizes polls for exactly 12 hours', async ({
    client,
    assert,
  }) => {
    const { campaign, streamer, membership } = await membershipOf(SEEDED.bram)
    const tokenBefore = streamer.accessToken

    const response = await act(client, 'grant', membership, streamer.user)

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    response.assertFlashMessage(
      'success',
      'Polls of "Ashes" may run on your channel for the next 12 hours.'
    )

    await membership.refresh()
    const now = clock.now()
    assert.equal(membership.pollAuthorizationGrantedAt!.toMillis(), now.toMillis())
    assert.equal(
      membership.pollAuthorizationExpiresAt!.toMillis(),
      now.plus({ hours: 12 }).toMillis()
    )

    const stats = twitchEmulator.state.stats()
    assert.equal(stats.counts['token.refresh_token'], 1, 'one refresh, no more')
    assert.equal(stats.byUser[SEEDED.bram.id]['token.refresh_token'], 1)
    const refreshed = await reloadStreamer(streamer)
    assert.notEqual(refreshed.accessToken, tokenBefore)
    assert.equal(refreshed.lastTokenRefreshAt!.toMillis(), now.toMillis())
    assert.equal(
      refreshed.tokenExpiresAt!.toMillis(),
      now.plus({ seconds: twitchEmulator.state.tokenLifetimeSeconds }).toMillis()
    )
    const validation = await fetch(`${twitchEmulator.oauthUrl}/validate`, {
      headers: { Authorization: `OAuth ${refreshed.accessToken}` },
    })
    assert.equal(validation.status, 200, 'the stored token is the one Twitch just issued')
  })

  test('after granting, the campaign page counts the 12 hours down', async ({ client }) => {
    const { campaign, streamer, membership } = await membershipOf(SEEDED.bram)
    await act(client, 'grant', membership, streamer.user)

    const page = await client.get(`/campaigns/${campaign.id}`).loginAs(streamer.user)
    page.assertStatus(200)
    page.assertTextIncludes(`data-expires-at="${clock.now().plus({ hours: 12 }).toUTC().toISO()}"`)
    page.assertTextIncludes('12 h 00 min left')
    page.assertTextIncludes('/js/countdown.js')
    page.assertTextIncludes(`/memberships/${membership.id}/revoke`)
    // Words before a moment keep their space ("until Tue 1 Dec", not "untilTue 1 Dec").
    page.assertTextIncludes('Poll authorization until <time')
    page.assertTextIncludes('· <span class="time-left"')
  })

  test('a grant is refused, with a reconnect link, when Twitch rejects the refresh', async ({
    client,
    assert,
  }) => {
    const { gm, streamer, membership } = await membershipOf(SEEDED.bram)
    twitchEmulator.state.revokeRefresh(SEEDED.bram.id)

    // First refusal: the policy only marks the failure (docs/token-policy.md).
    const first = await act(client, 'grant', membership, streamer.user)
    first.assertFlashMessage('error', RECONNECT)
    first.assertFlashMessage('reconnect', true)
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationGrantedAt)
    assert.isNull(membership.pollAuthorizationExpiresAt)
    let stored = await reloadStreamer(streamer)
    assert.isTrue(stored.isActive)
    assert.equal(stored.tokenRefreshFailedAt!.toMillis(), clock.now().toMillis())

    // Second refusal within 30 minutes: deactivated, streamer and GM told.
    clock.advance({ minutes: 2 })
    const second = await act(client, 'grant', membership, streamer.user)
    second.assertFlashMessage('error', RECONNECT)
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationExpiresAt)
    stored = await reloadStreamer(streamer)
    assert.isFalse(stored.isActive)
    assert.equal(twitchEmulator.state.stats().counts['token.refresh_token'], 2)
    const notified = await Notification.query().orderBy('id')
    assert.sameDeepMembers(
      notified.map((notification) => ({ userId: notification.userId, type: notification.type })),
      [
        { userId: streamer.userId, type: 'token.reconnect_required' },
        { userId: gm.userId, type: 'campaign.streamer_disconnected' },
      ]
    )

    // The page the streamer lands on shows the message with the reconnect link.
    const page = await client
      .get(`/campaigns/${membership.campaignId}`)
      .loginAs(streamer.user)
      .withSession({})
      .withFlashMessages({ error: RECONNECT, reconnect: true })
    page.assertTextIncludes('Reconnect your Twitch account')
    page.assertTextIncludes('href="/auth/twitch/redirect"')
  })

  test('a Twitch 400 on the refresh refuses the grant; once Twitch accepts again it works', async ({
    client,
    assert,
  }) => {
    const { streamer, membership } = await membershipOf(SEEDED.cass)
    twitchEmulator.state.failRefresh(SEEDED.cass.id, { status: 400, times: 1 })

    const refused = await act(client, 'grant', membership, streamer.user)
    refused.assertFlashMessage('error', RECONNECT)
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationExpiresAt)

    const granted = await act(client, 'grant', membership, streamer.user)
    granted.assertFlashMissing('error')
    await membership.refresh()
    assert.isNotNull(membership.pollAuthorizationExpiresAt)
    const stored = await reloadStreamer(streamer)
    assert.isNull(stored.tokenRefreshFailedAt, 'a successful refresh clears the failure mark')
    assert.isTrue(stored.isActive)
  })

  test('a deactivated streamer is asked to reconnect without calling Twitch', async ({
    client,
    assert,
  }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram)
    streamer.isActive = false
    await streamer.save()

    const response = await act(client, 'grant', membership, streamer.user)
    response.assertFlashMessage('error', DISCONNECTED)
    response.assertFlashMessage('reconnect', true)
    assert.equal(twitchEmulator.state.stats().counts['token.refresh_token'], 0)
  })

  test('deactivated with an authorization running: one state on the page, Renew tells the truth, reconnecting resumes it', async ({
    client,
    assert,
  }) => {
    const { campaign, streamer, membership } = await membershipOf(SEEDED.bram, 'active')
    const expiresAt = membership.pollAuthorizationExpiresAt!
    streamer.isActive = false
    await streamer.save()

    const shown = await client.get(`/campaigns/${campaign.id}`).loginAs(streamer.user)
    const page = shown.text()
    const card = page.slice(page.indexOf('id="my-membership"'))
    assert.include(card, 'data-channel-status="needs_reconnect"')
    assert.include(card, 'your authorization resumes as soon as you do')
    assert.include(card, 'href="/auth/twitch/redirect"')
    assert.notInclude(card, 'Renew for 12 hours', 'no renewal offered while disconnected')
    assert.notInclude(card, 'Authorized')
    assert.notInclude(card, 'data-channel-status="ready"')
    assert.include(card, `/memberships/${membership.id}/revoke`, 'revoking stays possible')

    // A Renew from a page opened earlier: the message says what really happens.
    const renew = await act(client, 'grant', membership, streamer.user)
    renew.assertFlashMessage(
      'error',
      'Twitch no longer accepts your connection. Reconnect your Twitch account: your ' +
        'authorization resumes as soon as you do, no need to grant it again.'
    )
    assert.equal(twitchEmulator.state.stats().counts['token.refresh_token'], 0)

    // Reconnecting: the authorization runs again, unchanged, and the page says so.
    const session = new HttpSession()
    await signInWithTwitch(session, SEEDED.bram.id)
    await membership.refresh()
    assert.equal(membership.pollAuthorizationExpiresAt!.toMillis(), expiresAt.toMillis())
    const reconnected = await session.get(`/campaigns/${campaign.id}`)
    const after = await reconnected.text()
    const afterCard = after.slice(after.indexOf('id="my-membership"'))
    assert.include(afterCard, 'data-channel-status="ready"')
    assert.include(afterCard, 'Renew for 12 hours')
    assert.include(afterCard, `data-expires-at="${expiresAt.toUTC().toISO()}"`)
    assert.notInclude(afterCard, 'Disconnected')
  })

  test('granting on a channel that is not an affiliate never says polls may run there', async ({
    client,
    assert,
  }) => {
    const { campaign, streamer, membership } = await membershipOf(SEEDED.pat)

    const response = await act(client, 'grant', membership, streamer.user)
    response.assertFlashMessage(
      'success',
      'Authorization for "Ashes" granted for 12 hours. Your channel is not an affiliate or ' +
        'partner channel: Twitch polls are not available on it, so polls of this campaign ' +
        'skip it. Chat voting needs Twitch events, which are off.'
    )

    const page = await client.get(`/campaigns/${campaign.id}`).loginAs(streamer.user)
    page.assertTextIncludes('data-channel-status="no_polls"')
    page.assertTextIncludes('Twitch polls are not available on it')
    assert.notInclude(page.text(), 'Polls of this campaign run on your channel')
  })

  test('Twitch being down refuses the grant without counting against the streamer', async ({
    client,
    assert,
  }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram)
    twitchEmulator.state.failRefresh(SEEDED.bram.id, { status: 503 })

    const response = await act(client, 'grant', membership, streamer.user)
    response.assertFlashMessage(
      'error',
      'Twitch is not answering right now, so the authorization could not be granted. Please try again in a minute.'
    )
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationExpiresAt)
    const stored = await reloadStreamer(streamer)
    assert.isTrue(stored.isActive)
    assert.isNull(stored.tokenRefreshFailedAt)
  })

  test('granting on a campaign you are not a member of answers 404', async ({ client, assert }) => {
    const { gm, membership } = await membershipOf(SEEDED.bram)
    const outsider = await connectedStreamer(SEEDED.cass)

    for (const user of [outsider.user, gm.user]) {
      const response = await act(client, 'grant', membership, user)
      response.assertStatus(404)
    }
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationExpiresAt)
    assert.equal(twitchEmulator.state.stats().counts['token.refresh_token'], 0)
  })

  test('granting before accepting the invitation is refused', async ({ client, assert }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram, 'pending')
    const response = await act(client, 'grant', membership, streamer.user)
    response.assertFlashMessage(
      'error',
      'Accept the invitation before granting the poll authorization.'
    )
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationExpiresAt)
    assert.equal(twitchEmulator.state.stats().counts['token.refresh_token'], 0)
  })

  test('revoking ends the authorization at once', async ({ client, assert }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram, 'active')
    assert.isTrue(isAuthorizationActive(membership, clock.now()))

    const response = await act(client, 'revoke', membership, streamer.user)
    response.assertFlashMessage('success', 'The poll authorization for "Ashes" has ended.')
    await membership.refresh()
    assert.isNull(membership.pollAuthorizationGrantedAt)
    assert.isNull(membership.pollAuthorizationExpiresAt)
    assert.equal(membership.status, 'active', 'still a member')
    assert.isFalse(isAuthorizationActive(membership, clock.now()))
  })

  test("revoking someone else's authorization answers 404", async ({ client, assert }) => {
    const { gm, membership } = await membershipOf(SEEDED.bram, 'active')
    const response = await act(client, 'revoke', membership, gm.user)
    response.assertStatus(404)
    await membership.refresh()
    assert.isNotNull(membership.pollAuthorizationExpiresAt)
  })

  test('leaving removes the membership and tells the GM', async ({ client, assert }) => {
    const { gm, streamer, membership } = await membershipOf(SEEDED.bram, 'active')
    const response = await act(client, 'leave', membership, streamer.user)
    response.assertHeader('location', '/dashboard')
    response.assertFlashMessage('success', 'You left "Ashes".')
    assert.isNull(await CampaignMembership.find(membership.id))
    const notification = await Notification.query().where('user_id', gm.userId).firstOrFail()
    assert.equal(notification.type, 'campaign.member_left')
  })

  test('an unanswered invitation is declined, not left', async ({ client, assert }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram, 'pending')
    const response = await act(client, 'leave', membership, streamer.user)
    response.assertFlashMessage(
      'error',
      'You have not joined this campaign yet: decline the invitation instead.'
    )
    assert.isNotNull(await CampaignMembership.find(membership.id))
  })

  test('membership actions need a signed-in user and a CSRF token', async ({ client, assert }) => {
    const { streamer, membership } = await membershipOf(SEEDED.bram, 'pending')
    const anonymous = await client.post(`/memberships/${membership.id}/accept`).redirects(0)
    anonymous.assertHeader('location', '/')
    await client.post(`/memberships/${membership.id}/accept`).loginAs(streamer.user).redirects(0)
    await membership.refresh()
    assert.equal(membership.status, 'pending')
  })
})
