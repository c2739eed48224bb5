import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import CampaignMembership from '#models/campaign_membership'
import Streamer from '#models/streamer'
import type { BroadcasterType } from '#models/streamer'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import {
  ChannelStateService,
  isAuthorizationActive,
  POLL_SCOPE,
} from '#services/campaigns/channel_state'
import { CHAT_VOTING_SCOPES } from '#services/chat_votes/chat_scopes'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { campaignTestSetup } from '#tests/helpers/campaigns'

/**
 * The channel-state rules are written twice, once for rows in memory
 * (app/services/campaigns/channel_state.ts) and once in SQL (the scopes of
 * CampaignMembership and Streamer) for counts and selections. Every
 * combination of the facts they read must get the same answer from both.
 */
const BROADCASTER_TYPES: BroadcasterType[] = ['', 'affiliate', 'partner']
const SCOPE_SETS: string[][] = [
  [],
  [POLL_SCOPE],
  [...CHAT_VOTING_SCOPES],
  [POLL_SCOPE, ...CHAT_VOTING_SCOPES],
  [POLL_SCOPE, ...CHAT_VOTING_SCOPES.slice(1)],
]

test.group('Channel state: the rule in memory and in SQL agree', (group) => {
  const clock = campaignTestSetup(group)
  group.each.teardown(() => app.container.restore(EventSubSettings))

  async function everyCombination() {
    const now = clock.now()
    const streamers: Streamer[] = []
    for (const broadcasterType of BROADCASTER_TYPES) {
      for (const scopes of SCOPE_SETS) {
        for (const isActive of [true, false]) {
          streamers.push(
            await StreamerFactory.with('user')
              .merge({
                broadcasterType,
                scopes,
                isActive,
                // Token trouble is renewed at launch: it never changes readiness.
                tokenExpiresAt: streamers.length % 3 === 0 ? now.minus({ minutes: 1 }) : undefined,
                tokenRefreshFailedAt: streamers.length % 4 === 0 ? now : null,
              })
              .create()
          )
        }
      }
    }
    const authorizations = [
      { status: 'pending' as const, expiresAt: null },
      { status: 'pending' as const, expiresAt: now.plus({ hours: 1 }) },
      { status: 'active' as const, expiresAt: null },
      { status: 'active' as const, expiresAt: now.minus({ seconds: 1 }) },
      { status: 'active' as const, expiresAt: now },
      { status: 'active' as const, expiresAt: now.plus({ seconds: 1 }) },
      { status: 'active' as const, expiresAt: now.plus({ hours: 12 }) },
    ]
    for (const authorization of authorizations) {
      const campaign = await CampaignFactory.with('owner').create()
      await CampaignMembershipFactory.merge(
        streamers.map((streamer) => ({
          campaignId: campaign.id,
          streamerId: streamer.id,
          status: authorization.status,
          pollAuthorizationGrantedAt: authorization.expiresAt ? now.minus({ hours: 1 }) : null,
          pollAuthorizationExpiresAt: authorization.expiresAt,
        }))
      ).createMany(streamers.length)
    }
    return CampaignMembership.query().preload('streamer').orderBy('id')
  }

  for (const eventsub of [true, false]) {
    test(`ready, with Twitch events ${eventsub ? 'on' : 'off'}`, async ({ assert }) => {
      const settings = Object.assign(new EventSubSettings(), { secret: eventsub ? 'x' : '' })
      app.container.swap(EventSubSettings, () => settings)
      const memberships = await everyCombination()
      const states = await app.container.make(ChannelStateService)

      const inSql = await states
        .whereReady(CampaignMembership.query())
        .select('campaign_memberships.id')
      const inMemory = memberships
        .filter((membership) => states.of(membership.streamer, membership).ready)
        .map((membership) => membership.id)

      assert.isAbove(inMemory.length, 0)
      assert.isBelow(inMemory.length, memberships.length)
      assert.sameMembers(
        inSql.map((row) => row.id),
        inMemory
      )
    })
  }

  test('an active authorization, per membership and per streamer', async ({ assert }) => {
    const memberships = await everyCombination()
    const now = clock.now()

    const active = await CampaignMembership.query()
      .withScopes((scopes) => scopes.authorizationActive(now))
      .select('id')
    assert.sameMembers(
      active.map((row) => row.id),
      memberships
        .filter((membership) => isAuthorizationActive(membership, now))
        .map((membership) => membership.id)
    )

    const streamers = await Streamer.query()
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .select('id')
    const expected = new Set(
      memberships
        .filter((m) => m.streamer.isActive && isAuthorizationActive(m, now))
        .map((m) => m.streamerId)
    )
    assert.isAbove(expected.size, 0)
    assert.sameMembers(
      streamers.map((row) => row.id),
      [...expected]
    )
  })
})
