import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { campaignTestSetup, connectedStreamer, SEEDED, submit } from '#tests/helpers/campaigns'
import { eventsubTestSetup } from '#tests/helpers/eventsub'

/**
 * Before a non-affiliate invited by login has ever signed in, the GM's
 * campaign page says how their channel will vote: in chat while Chorus
 * receives Twitch events (signing in gives it the chat permissions), and why
 * it cannot when they are off.
 */
async function patInvited(client: ApiClient) {
  // The GM streams too: Chorus looks logins up with their Twitch token.
  const { user: gm } = await connectedStreamer(SEEDED.dorian)
  const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
  const invited = await submit(client, 'post', `/campaigns/${campaign.id}/invitations`, gm, {
    login: SEEDED.pat.login,
  })
  invited.assertStatus(302)
  const page = await client.get(`/campaigns/${campaign.id}`).loginAs(gm)
  page.assertStatus(200)
  const html = page.text()
  const row = html.slice(html.indexOf(`data-login="${SEEDED.pat.login}"`))
  return row.slice(0, row.indexOf('</tr>'))
}

test.group('Campaign page: a non-affiliate not signed in yet, Twitch events on', (group) => {
  campaignTestSetup(group)
  eventsubTestSetup(group)

  test('says the channel will vote in chat', async ({ client, assert }) => {
    const row = await patInvited(client)
    assert.include(row, 'waits for their first sign-in')
    assert.include(row, 'no Twitch polls on it, so its audience will vote in chat.')
    assert.notInclude(row, 'Twitch polls are not available')
  })
})

test.group('Campaign page: a non-affiliate not signed in yet, Twitch events off', (group) => {
  campaignTestSetup(group)

  test('says why chat voting cannot help', async ({ client, assert }) => {
    const row = await patInvited(client)
    assert.include(row, 'Chat voting needs Twitch events, which are off.')
    assert.notInclude(row, 'will vote in chat')
  })
})
