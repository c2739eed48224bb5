import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Streamer from '#models/streamer'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'

test.group('Streamer model', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('tokens are stored encrypted and read back in clear', async ({ assert }) => {
    const streamer = await StreamerFactory.with('user').create()
    streamer.setTokens({ accessToken: 'plain-access-123', refreshToken: 'plain-refresh-456' })
    await streamer.save()

    const row = await db.from('streamers').where('id', streamer.id).firstOrFail()
    assert.notInclude(row.access_token_encrypted, 'plain-access-123')
    assert.notInclude(row.refresh_token_encrypted, 'plain-refresh-456')

    const reloaded = await Streamer.findOrFail(streamer.id)
    assert.equal(reloaded.accessToken, 'plain-access-123')
    assert.equal(reloaded.refreshToken, 'plain-refresh-456')
  })

  test('a missing refresh token keeps the stored one', async ({ assert }) => {
    const streamer = await StreamerFactory.with('user').create()
    streamer.setTokens({ accessToken: 'a1', refreshToken: 'r1' })
    streamer.setTokens({ accessToken: 'a2', refreshToken: null })

    assert.equal(streamer.accessToken, 'a2')
    assert.equal(streamer.refreshToken, 'r1')
  })

  test('serialize() never carries a token', async ({ assert }) => {
    const streamer = await StreamerFactory.with('user').create()
    streamer.setTokens({ accessToken: 'secret-access', refreshToken: 'secret-refresh' })

    const json = JSON.stringify(streamer.serialize())
    assert.notInclude(json, 'secret-access')
    assert.notInclude(json, 'secret-refresh')
    assert.notProperty(streamer.serialize(), 'accessTokenEncrypted')
    assert.notProperty(streamer.serialize(), 'refreshTokenEncrypted')
    assert.notInclude(JSON.stringify(streamer.toJSON()), streamer.accessTokenEncrypted!)
  })

  test('expiry helpers follow token_expires_at', async ({ assert }) => {
    const now = DateTime.fromISO('2026-11-22T12:00:00Z')
    const streamer = new Streamer()

    streamer.tokenExpiresAt = now.plus({ minutes: 30 })
    assert.isFalse(streamer.isTokenExpired(now))

    streamer.tokenExpiresAt = now.minus({ seconds: 1 })
    assert.isTrue(streamer.isTokenExpired(now))

    streamer.tokenExpiresAt = null
    assert.isTrue(streamer.isTokenExpired(now))
  })

  test('active authorization needs an accepted membership with a running grant', async ({
    assert,
  }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const granted = await StreamerFactory.with('user').create()
    const pending = await StreamerFactory.with('user').create()
    const expired = await StreamerFactory.with('user').create()
    const inactive = await StreamerFactory.with('user').merge({ isActive: false }).create()

    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: granted.id,
    }).create()
    await CampaignMembershipFactory.apply('pending')
      .merge({ campaignId: campaign.id, streamerId: pending.id })
      .create()
    await CampaignMembershipFactory.apply('expired')
      .merge({ campaignId: campaign.id, streamerId: expired.id })
      .create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: inactive.id,
    }).create()

    const authorizedAt = async (at: DateTime) => {
      const rows = await Streamer.query()
        .withScopes((scopes) => scopes.withActiveAuthorization(at))
        .select('id')
      return rows.map((row) => row.id)
    }
    // Not the pending, expired or deactivated ones; nobody once the 12 hours are over.
    assert.deepEqual(await authorizedAt(DateTime.now()), [granted.id])
    assert.deepEqual(await authorizedAt(DateTime.now().plus({ hours: 13 })), [])
  })
})
