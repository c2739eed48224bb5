import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Streamer from '#models/streamer'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { CheckAndRefreshService } from '#services/tokens/check_and_refresh_service'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { connectedStreamer, refreshCalls, tokenTestGroup } from '#tests/helpers/token_fixtures'

const NOW = DateTime.now().startOf('second')

function validateCalls(twitchUserId: string) {
  return twitchEmulator.state.stats().byUser[twitchUserId]?.validate ?? 0
}

test.group('Health check', (group) => {
  tokenTestGroup(group, NOW)

  test('a campaign: ready, refreshed (due or refused), needs_reconnect and not_authorized', async ({
    assert,
  }) => {
    const ready = await connectedStreamer({ now: NOW, tokenExpiresAt: NOW.plus({ hours: 4 }) })
    const { campaign, gm } = ready
    const join = async (
      options: Parameters<typeof connectedStreamer>[0],
      state?: 'pending' | 'notGranted' | 'expired'
    ) => {
      const member = await connectedStreamer({ ...options, now: NOW, authorized: false, gm: gm! })
      const factory = state ? CampaignMembershipFactory.apply(state) : CampaignMembershipFactory
      await factory
        .merge({
          campaignId: campaign!.id,
          streamerId: member.streamer.id,
          ...(state ? {} : { pollAuthorizationExpiresAt: NOW.plus({ hours: 2 }) }),
        })
        .create()
      return member
    }
    // Expires in 30 min: due, refreshed without asking /validate first.
    const due = await join({ tokenExpiresAt: NOW.plus({ minutes: 30 }) })
    // Looks fine by our records, but Twitch refuses it: refreshed after /validate.
    const refused = await join({ tokenExpiresAt: NOW.plus({ hours: 4 }) })
    twitchEmulator.state.invalidateAccess(refused.twitchUser.id)
    // Refused and the refresh token is dead too.
    const dead = await join({ tokenExpiresAt: NOW.plus({ hours: 4 }) })
    twitchEmulator.state.invalidateAccess(dead.twitchUser.id)
    twitchEmulator.state.revokeRefresh(dead.twitchUser.id)
    const deactivated = await join({ isActive: false })
    const pending = await join({}, 'pending')
    const expired = await join({}, 'expired')
    const service = await app.container.make(CheckAndRefreshService)

    const results = await service.checkCampaign(campaign!.id)

    const byStreamer = new Map(results.map((result) => [result.streamerId, result]))
    assert.equal(byStreamer.get(ready.streamer.id)!.status, 'ready')
    assert.equal(byStreamer.get(due.streamer.id)!.status, 'refreshed')
    assert.equal(byStreamer.get(refused.streamer.id)!.status, 'refreshed')
    assert.equal(byStreamer.get(dead.streamer.id)!.status, 'needs_reconnect')
    assert.equal(byStreamer.get(deactivated.streamer.id)!.status, 'needs_reconnect')
    assert.equal(byStreamer.get(pending.streamer.id)!.status, 'not_authorized')
    assert.equal(byStreamer.get(expired.streamer.id)!.status, 'not_authorized')

    // Expiry-aware: the due token was not validated first.
    assert.equal(validateCalls(due.twitchUser.id), 0)
    assert.equal(refreshCalls(due.twitchUser.id), 1)
    assert.equal(validateCalls(ready.twitchUser.id), 1)
    assert.equal(refreshCalls(ready.twitchUser.id), 0)
    // No call at all for streamers that cannot poll anyway.
    for (const member of [deactivated, pending, expired]) {
      assert.equal(validateCalls(member.twitchUser.id) + refreshCalls(member.twitchUser.id), 0)
    }
    // The refresh went through the policy: tracking columns written.
    const refusedRow = await Streamer.findOrFail(refused.streamer.id)
    assert.equal(refusedRow.lastTokenRefreshAt!.toMillis(), NOW.toMillis())
    const deadRow = await Streamer.findOrFail(dead.streamer.id)
    assert.equal(deadRow.tokenRefreshFailedAt!.toMillis(), NOW.toMillis())
  })

  test("takes Twitch's expiry from /validate when ours is off", async ({ assert }) => {
    const { streamer } = await connectedStreamer({
      now: NOW,
      tokenExpiresAt: NOW.plus({ hours: 4 }),
    })
    const service = await app.container.make(CheckAndRefreshService)
    // We believe 8 h, Twitch says about 4 h.
    streamer.tokenExpiresAt = NOW.plus({ hours: 8 })
    await streamer.save()

    const [result] = await service.checkStreamers([streamer])

    assert.equal(result.status, 'ready')
    const stored = await Streamer.findOrFail(streamer.id)
    assert.closeTo(stored.tokenExpiresAt!.diff(NOW).as('minutes'), 240, 1)
  })
})
