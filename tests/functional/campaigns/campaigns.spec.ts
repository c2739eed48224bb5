import { test } from '@japa/runner'
import Campaign from '#models/campaign'
import CampaignMembership from '#models/campaign_membership'
import { UserFactory } from '#database/factories/user_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { campaignTestSetup, submit } from '#tests/helpers/campaigns'
import { assertInputError } from '#tests/helpers/validation'

/**
 * A campaign (named `name` when given) with its GM and one authorized member.
 */
async function campaignWithMember(name?: string) {
  const campaign = await CampaignFactory.merge(name ? { name } : {})
    .with('owner')
    .create()
  const streamer = await StreamerFactory.with('user').create()
  await CampaignMembershipFactory.merge({
    campaignId: campaign.id,
    streamerId: streamer.id,
  }).create()
  return { campaign, streamer }
}

/**
 * The GM's campaign pages: create, show, edit, delete, and what other users see.
 */
test.group('Campaigns: create, show, edit, delete', (group) => {
  campaignTestSetup(group)

  test('a visitor who is not signed in is sent to the landing page', async ({ client }) => {
    const response = await client.get('/campaigns/create').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/')
  })

  test('the new campaign form has the fields and a CSRF token', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await client.get('/campaigns/create').loginAs(user)
    response.assertStatus(200)
    response.assertTextIncludes('name="name"')
    response.assertTextIncludes('name="description"')
    assert.match(response.text(), /name=['"]_csrf['"] value=['"][^'"]+['"]/)
  })

  test('creating a campaign makes the user its GM and opens it', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await submit(client, 'post', '/campaigns', user, {
      name: '  The Sunken Crown  ',
      description: 'Tuesdays, 8 pm',
    })

    const campaign = await Campaign.findByOrFail('owner_id', user.id)
    assert.equal(campaign.name, 'The Sunken Crown')
    assert.equal(campaign.description, 'Tuesdays, 8 pm')
    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    response.assertFlashMessage(
      'success',
      'Campaign "The Sunken Crown" created. Invite its streamers below.'
    )
  })

  test('a campaign without a description is fine', async ({ client, assert }) => {
    const user = await UserFactory.create()
    await submit(client, 'post', '/campaigns', user, { name: 'Solo' })
    const campaign = await Campaign.findByOrFail('owner_id', user.id)
    assert.equal(campaign.description, '')
  })

  test('an empty name is refused with a friendly message', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await submit(client, 'post', '/campaigns', user)
      .header('referer', '/campaigns/create')
      .form({ name: '   ', description: 'kept' })
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/campaigns/create')
    assertInputError(response, 'name', 'Give it a name.')
    response.assertFlashMessage('description', 'kept')
    assert.lengthOf(await Campaign.all(), 0)
  })

  test('a 300-character name is refused', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await submit(client, 'post', '/campaigns', user, { name: 'x'.repeat(300) })

    response.assertStatus(302)
    assertInputError(response, 'name', 'Keep the name to 120 characters or fewer.')
    assert.lengthOf(await Campaign.all(), 0)
  })

  test('the form shows the validation message after a refusal', async ({ client }) => {
    const user = await UserFactory.create()
    const response = await client
      .get('/campaigns/create')
      .loginAs(user)
      .withSession({})
      .withFlashMessages({ inputErrorsBag: { name: ['Give the campaign a name.'] } })
    response.assertStatus(200)
    response.assertTextIncludes('Give the campaign a name.')
  })

  test('creating without a CSRF token is refused', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await client
      .post('/campaigns')
      .loginAs(user)
      .form({ name: 'No token' })
      .redirects(0)
    assert.notEqual(response.header('location'), '/campaigns/1')
    response.assertFlashMessage('errorsBag', { E_BAD_CSRF_TOKEN: 'Invalid or expired CSRF token' })
    assert.lengthOf(await Campaign.all(), 0)
  })

  test('the GM sees the campaign with the invite form and its members', async ({ client }) => {
    const { campaign, streamer } = await campaignWithMember()

    const response = await client.get(`/campaigns/${campaign.id}`).loginAs(campaign.owner)
    response.assertStatus(200)
    response.assertTextIncludes(campaign.name)
    response.assertTextIncludes('Invite a streamer')
    response.assertTextIncludes(streamer.twitchLogin)
    response.assertTextIncludes('data-channel-status="ready"')
    response.assertTextIncludes('Polls will run on this channel.')
  })

  test('an invited streamer sees the campaign and the accept button, not the GM tools', async ({
    client,
    assert,
  }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const streamer = await StreamerFactory.with('user').create()
    const membership = await CampaignMembershipFactory.apply('pending')
      .merge({ campaignId: campaign.id, streamerId: streamer.id })
      .create()

    const response = await client.get(`/campaigns/${campaign.id}`).loginAs(streamer.user)
    response.assertStatus(200)
    response.assertTextIncludes(campaign.name)
    response.assertTextIncludes(`/memberships/${membership.id}/accept`)
    assert.notInclude(response.text(), 'Invite a streamer')
    assert.notInclude(response.text(), `/campaigns/${campaign.id}/edit`)
  })

  test("another user's campaign answers 404 and reveals nothing", async ({ client, assert }) => {
    const campaign = await CampaignFactory.merge({ name: 'Secret Vault' }).with('owner').create()
    const stranger = await UserFactory.create()

    for (const path of [
      `/campaigns/${campaign.id}`,
      `/campaigns/${campaign.id}/edit`,
      `/campaigns/${campaign.id}/readiness`,
    ]) {
      const response = await client.get(path).loginAs(stranger)
      response.assertStatus(404)
      assert.notInclude(response.text(), 'Secret Vault')
    }
  })

  test('an unknown campaign and a non-numeric id answer 404', async ({ client }) => {
    const user = await UserFactory.create()
    const unknown = await client.get('/campaigns/999999').loginAs(user)
    unknown.assertStatus(404)
    const notANumber = await client.get('/campaigns/abc').loginAs(user)
    notANumber.assertStatus(404)
  })

  test('the GM edits the campaign', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const form = await client.get(`/campaigns/${campaign.id}/edit`).loginAs(campaign.owner)
    form.assertStatus(200)
    form.assertTextIncludes(campaign.name)

    const response = await submit(client, 'put', `/campaigns/${campaign.id}`, campaign.owner, {
      name: 'Renamed',
      description: 'New text',
    })
    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}`)
    await campaign.refresh()
    assert.equal(campaign.name, 'Renamed')
    assert.equal(campaign.description, 'New text')
  })

  test('editing with a 300-character name keeps the old name', async ({ client, assert }) => {
    const campaign = await CampaignFactory.merge({ name: 'Original' }).with('owner').create()
    const response = await submit(client, 'put', `/campaigns/${campaign.id}`, campaign.owner, {
      name: 'y'.repeat(300),
    })
    assertInputError(response, 'name', 'Keep the name to 120 characters or fewer.')
    await campaign.refresh()
    assert.equal(campaign.name, 'Original')
  })

  test('a member may not edit or delete the campaign (403)', async ({ client, assert }) => {
    const { campaign, streamer } = await campaignWithMember('Kept')

    const form = await client.get(`/campaigns/${campaign.id}/edit`).loginAs(streamer.user)
    form.assertStatus(403)
    const update = await submit(client, 'put', `/campaigns/${campaign.id}`, streamer.user, {
      name: 'Hijacked',
    })
    update.assertStatus(403)
    const destroy = await submit(client, 'delete', `/campaigns/${campaign.id}`, streamer.user)
    destroy.assertStatus(403)

    await campaign.refresh()
    assert.equal(campaign.name, 'Kept')
  })

  test('a stranger may not edit or delete the campaign (404)', async ({ client, assert }) => {
    const campaign = await CampaignFactory.merge({ name: 'Kept' }).with('owner').create()
    const stranger = await UserFactory.create()

    const update = await submit(client, 'put', `/campaigns/${campaign.id}`, stranger, {
      name: 'Hijacked',
    })
    update.assertStatus(404)
    const destroy = await submit(client, 'delete', `/campaigns/${campaign.id}`, stranger)
    destroy.assertStatus(404)

    await campaign.refresh()
    assert.equal(campaign.name, 'Kept')
  })

  test('the GM deletes the campaign with its memberships', async ({ client, assert }) => {
    const { campaign } = await campaignWithMember()

    const response = await submit(client, 'delete', `/campaigns/${campaign.id}`, campaign.owner)
    response.assertStatus(302)
    response.assertHeader('location', '/dashboard')
    assert.isNull(await Campaign.find(campaign.id))
    assert.lengthOf(await CampaignMembership.query().where('campaign_id', campaign.id), 0)
  })

  test('a form POST with _method=DELETE deletes, as the page sends it', async ({
    client,
    assert,
  }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const response = await submit(
      client,
      'post',
      `/campaigns/${campaign.id}?_method=DELETE`,
      campaign.owner
    )
    response.assertStatus(302)
    assert.isNull(await Campaign.find(campaign.id))
  })
})
