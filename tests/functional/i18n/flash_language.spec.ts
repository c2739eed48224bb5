import { test } from '@japa/runner'
import { speaking } from '#tests/helpers/languages'
import PollRun from '#models/poll_run'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { UserFactory } from '#database/factories/user_factory'
import { connectedStreamer, SEEDED, submit } from '#tests/helpers/campaigns'
import { apiCall, apiLaunch, apiTokenOf } from '#tests/helpers/api'
import {
  campaignWithChannels,
  launchRequest,
  pollTestSetup,
  preparedPoll,
} from '#tests/helpers/polls'

/**
 * What a person reads after an action, in their interface language
 * (docs/languages.md): the flash of a controller, a service's refusal
 * (flashed by the exception handler from its message key) and the
 * sentences of a run's page. The JSON API answers the same refusal in
 * English.
 */
test.group('Languages: flashes and refusals', (group) => {
  pollTestSetup(group)

  test('saving a poll: the flash is in French for a French GM, in English for an English one', async ({
    client,
  }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const poll = await preparedPoll(campaign)
    const form = {
      'title': 'Ouvrir la porte ?',
      'choices[]': ['Oui', 'Non'],
      'duration_seconds': '60',
    }
    const url = `/campaigns/${campaign.id}/polls/${poll.id}`

    const english = await client
      .put(url)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    english.assertFlashMessage('success', 'Poll "Ouvrir la porte ?" saved.')

    await speaking(campaign.owner, 'fr')
    const french = await client
      .put(url)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    french.assertStatus(302)
    french.assertFlashMessage('success', 'Sondage « Ouvrir la porte ? » enregistré.')
  })

  test('a Spanish GM creates a campaign and reads it in Spanish', async ({ client }) => {
    const gm = await speaking(await UserFactory.create(), 'es')
    const response = await submit(client, 'post', '/campaigns', gm, { name: 'Cenizas' })
    response.assertStatus(302)
    response.assertFlashMessage(
      'success',
      'Campaña «Cenizas» creada. Invita a sus streamers aquí abajo.'
    )
  })

  test('launching while a poll runs: refused in French on the page, in English by the API', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    await speaking(gm, 'fr')
    const first = await preparedPoll(campaign, { title: 'Première' })
    const second = await preparedPoll(campaign, { title: 'Seconde' })
    await launchRequest(client, gm, campaign, first)
    const live = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()

    const page = await launchRequest(client, gm, campaign, second)
    page.assertStatus(302)
    page.assertHeader('location', `/campaigns/${campaign.id}/runs/${live.id}`)
    page.assertFlashMessage(
      'error',
      `« Première » (lancement ${live.id}) tourne encore dans cette campagne : termine-le avant d’en lancer un autre.`
    )

    // The same person, the same refusal, through the API: English, as always.
    const api = await apiLaunch(client, campaign.id, await apiTokenOf(gm)).json({
      title: 'Seconde',
      choices: ['A', 'B'],
      duration: 60,
    })
    api.assertStatus(409)
    assert.equal(
      api.body().errors[0].message,
      `"Première" (run ${live.id}) is still running in this campaign: end it before launching another poll.`
    )
  })

  test('inviting an unknown login: the refusal in French, then in German', async ({ client }) => {
    const gmStreamer = await connectedStreamer(SEEDED.dorian)
    await gmStreamer.load('user')
    const gm = await speaking(gmStreamer.user, 'fr')
    const campaign = await CampaignFactory.merge({ ownerId: gm.id, name: 'Cendres' }).create()
    const invite = () =>
      submit(client, 'post', `/campaigns/${campaign.id}/invitations`, gm, {
        login: 'nobody_by_this_name',
      })

    const french = await invite()
    french.assertHeader('location', `/campaigns/${campaign.id}`)
    french.assertFlashMessage(
      'error',
      'Aucun compte Twitch ne s’appelle « nobody_by_this_name ». Vérifie l’orthographe du pseudo.'
    )

    await speaking(gm, 'de')
    const german = await invite()
    german.assertFlashMessage(
      'error',
      'Es gibt kein Twitch-Konto namens „nobody_by_this_name“. Prüf die Schreibweise.'
    )
  })

  test('a run page in French: its launch note and why a channel is left out; the API in English', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    await speaking(gm, 'fr')
    const poll = await preparedPoll(campaign, { title: 'On entre ?' })
    await launchRequest(client, gm, campaign, poll)
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()

    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, '« On entre ? » est en direct : 1 sur 2 chaînes.')
    assert.include(html, 'Ni affiliée ni partenaire')
    assert.notInclude(html, 'is live on')
    assert.notInclude(html, 'Not an affiliate or partner')

    const api = await apiCall(client, 'get', `/api/v1/runs/${run.id}`, await apiTokenOf(gm))
    api.assertStatus(200)
    const pat = api
      .body()
      .channels.find(
        (channel: { twitch_login: string }) => channel.twitch_login === SEEDED.pat.login
      )
    assert.equal(pat.status, 'left_out')
    assert.equal(pat.reason, 'Not an affiliate or partner')
  })

  test('the campaign page says each channel’s state in the GM’s language; the API in English', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.pat])
    await speaking(gm, 'pt-BR')

    const page = await client.get(`/campaigns/${campaign.id}`).loginAs(gm)
    page.assertStatus(200)
    assert.include(page.text(), 'Canal nem afiliado nem parceiro: não tem enquetes da Twitch.')

    const api = await apiCall(
      client,
      'get',
      `/api/v1/campaigns/${campaign.id}/readiness`,
      await apiTokenOf(gm)
    )
    api.assertStatus(200)
    assert.match(
      api.body().channels[0].reason,
      /^Not an affiliate or partner channel: Twitch polls are not available on it\./
    )
  })
})
