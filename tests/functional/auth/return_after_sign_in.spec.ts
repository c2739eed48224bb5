import { test } from '@japa/runner'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { SEEDED, connectedStreamer } from '#tests/helpers/campaigns'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * A signed-out visit to a page behind sign-in: the landing page says why,
 * and the Twitch round trip (through the emulator) ends on the page asked for.
 */
test.group('Sign-in returns to the page asked for', (group) => {
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    return emptyDatabase()
  })

  test('a link from a notification opened signed out leads back to it after sign-in', async ({
    assert,
  }) => {
    const gm = await connectedStreamer(SEEDED.dorian)
    const bram = await connectedStreamer(SEEDED.bram)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId, name: 'Ashes' }).create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
      status: 'active',
    }).create()
    const asked = `/campaigns/${campaign.id}?from=notification`

    const session = new HttpSession()
    const visit = await session.get(asked)
    assert.equal(visit.status, 302)
    assert.equal(visit.headers.get('location'), '/')

    const landingResponse = await session.get('/')
    const landing = await landingResponse.text()
    assert.include(landing, 'Sign in to continue.')

    const callback = await signInWithTwitch(session, SEEDED.bram.id)
    assert.equal(callback.headers.get('location'), asked)
    const page = await session.get(asked)
    assert.equal(page.status, 200)
    assert.include(await page.text(), 'Ashes')

    // Used once: the next sign-in lands on the dashboard again.
    await session.postForm('/logout')
    const again = await signInWithTwitch(session, SEEDED.bram.id)
    assert.equal(again.headers.get('location'), '/dashboard')
  })

  test('a sign-in started from the landing page lands on the dashboard', async ({ assert }) => {
    const session = new HttpSession()
    await session.get('/')
    const callback = await signInWithTwitch(session, SEEDED.cass.id)
    assert.equal(callback.headers.get('location'), '/dashboard')
  })

  test('a JSON request gets a 401 and is not kept', async ({ assert }) => {
    const session = new HttpSession()
    const json = await session.send('/notifications', {
      method: 'GET',
      headers: { Accept: 'application/json' },
    })
    assert.equal(json.status, 401)

    const callback = await signInWithTwitch(session, SEEDED.cass.id)
    assert.equal(callback.headers.get('location'), '/dashboard')
  })
})
