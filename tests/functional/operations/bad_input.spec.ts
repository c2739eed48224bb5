import { test } from '@japa/runner'
import Campaign from '#models/campaign'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { campaignTestSetup, submit } from '#tests/helpers/campaigns'

/**
 * What a user can type into a URL or a form never turns into a 500: ids
 * PostgreSQL cannot hold are 404, text with NUL characters is 422.
 */
test.group('Bad input: ids out of range, NUL characters', (group) => {
  campaignTestSetup(group)

  test('GET pages with ids above the integer range or not numeric answer 404', async ({
    client,
  }) => {
    const gm = await UserFactory.create()
    const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
    for (const path of [
      '/campaigns/2147483648',
      '/campaigns/99999999999999999999',
      '/campaigns/abc',
      '/campaigns/-1',
      `/campaigns/${campaign.id}/runs/9999999999999999999999/results`,
      `/campaigns/${campaign.id}/runs/2147483648`,
      `/campaigns/${campaign.id}/polls/2147483648/edit`,
      '/campaigns/1/runs/9999999999999999999999/results',
      '/campaigns/2147483648/readiness',
    ]) {
      const response = await client.get(path).loginAs(gm)
      response.assertStatus(404)
    }
  })

  test('the largest integer id is an ordinary missing row: 404 too', async ({ client }) => {
    const gm = await UserFactory.create()
    const response = await client.get('/campaigns/2147483647').loginAs(gm)
    response.assertStatus(404)
  })

  test('POST with an id above the integer range answers 404', async ({ client }) => {
    const user = await UserFactory.create()
    for (const path of [
      '/memberships/2147483648/accept',
      '/memberships/2147483648/grant',
      '/notifications/9999999999/read',
      '/campaigns/2147483648/invitations',
      '/campaigns/1/polls/2147483648/launch',
    ]) {
      const response = await submit(client, 'post', path, user)
      response.assertStatus(404)
    }
  })

  test('a campaign name with a NUL character is refused with 422 and a clear message', async ({
    client,
    assert,
  }) => {
    const gm = await UserFactory.create()
    const response = await submit(client, 'post', '/campaigns', gm, {
      name: 'Ash\0es',
      description: 'fine',
    })

    response.assertStatus(422)
    assert.include(response.text(), 'The field &quot;name&quot; contains a NUL character')
    assert.equal(
      await Campaign.query()
        .where('owner_id', gm.id)
        .count('* as total')
        .first()
        .then((row) => Number(row?.$extras.total)),
      0
    )
  })

  test('a French browser reads the NUL refusal in French; a script still reads English', async ({
    client,
    assert,
  }) => {
    const gm = await UserFactory.create()
    const page = await client
      .post('/campaigns')
      .loginAs(gm)
      .withCsrfToken()
      .header('accept-language', 'fr-FR,fr;q=0.9,en;q=0.5')
      .form({ name: 'Ash\0es', description: 'fine' })
      .redirects(0)

    page.assertStatus(422)
    assert.include(page.text(), '<html lang="fr"')
    assert.include(page.text(), 'Le champ « name » contient un caractère NUL (\\0).')
    assert.include(page.text(), 'Impossible de lire ce formulaire')
    assert.notInclude(page.text(), 'contains a NUL character')

    const json = await client
      .post('/push/subscriptions')
      .loginAs(gm)
      .withCsrfToken()
      .header('Accept', 'application/json')
      .header('accept-language', 'fr')
      .json({ endpoint: 'https://push.example/\0', keys: { p256dh: 'x', auth: 'y' } })
    json.assertStatus(422)
    assert.equal(
      json.body().errors[0].message,
      'The field "endpoint" contains a NUL character (\\0). Remove it and send the form again.'
    )
  })

  test('editing with a NUL character changes nothing', async ({ client, assert }) => {
    const gm = await UserFactory.create()
    const campaign = await CampaignFactory.merge({ ownerId: gm.id, name: 'Ashes' }).create()
    const response = await submit(client, 'put', `/campaigns/${campaign.id}`, gm, {
      name: 'Ashes',
      description: 'line\0break',
    })

    response.assertStatus(422)
    assert.include(response.text(), '&quot;description&quot;')
    await campaign.refresh()
    assert.equal(campaign.name, 'Ashes')
  })

  test('a JSON body with a NUL character gets a JSON 422', async ({ client }) => {
    const user = await UserFactory.create()
    const response = await client
      .post('/push/subscriptions')
      .loginAs(user)
      .withCsrfToken()
      .header('Accept', 'application/json')
      .json({ endpoint: 'https://push.example/\0', keys: { p256dh: 'x', auth: 'y' } })

    response.assertStatus(422)
    response.assertBodyContains({
      errors: [
        {
          message:
            'The field "endpoint" contains a NUL character (\\0). Remove it and send the form again.',
        },
      ],
    })
  })

  test('a NUL character in the query string is refused too', async ({ client }) => {
    const user = await UserFactory.create()
    const response = await client.get('/dashboard').qs({ tab: 'a\0b' }).loginAs(user)
    response.assertStatus(422)
  })
})
