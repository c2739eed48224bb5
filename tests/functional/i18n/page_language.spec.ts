import { test } from '@japa/runner'
import Campaign from '#models/campaign'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { pollTestSetup } from '#tests/helpers/polls'
import { assertInputError } from '#tests/helpers/validation'
import { pageWordsOf } from '#tests/helpers/page_words'

/**
 * The pages in the reader's language (docs/languages.md): the layout, the
 * words of the page scripts and the forms' validation messages.
 */
test.group('Languages: the pages', (group) => {
  pollTestSetup(group)

  test('a French reader gets the dashboard, its scripts and its dates in French', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.merge({ locale: 'fr' }).create()
    const response = await client.get('/dashboard').loginAs(user)
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, '<html lang="fr" data-format-locale="fr">')
    assert.include(html, 'Mes campagnes en tant que MJ')
    assert.include(html, 'Se déconnecter')
    assert.notInclude(html, 'My campaigns as GM')
    assert.notInclude(html, 'Sign out')

    const { locale, words } = pageWordsOf(html)
    assert.equal(locale, 'fr')
    assert.equal(words.expired, 'expirée')
    assert.equal(words['run_status.running'], 'En direct')
    assert.equal(words['push.state.off'], 'Notifications désactivées sur cet appareil.')
  })

  test('a visitor reads the language of their browser; English stays British for dates', async ({
    client,
    assert,
  }) => {
    const german = await client.get('/').header('accept-language', 'de-DE,de;q=0.9')
    assert.include(german.text(), '<html lang="de" data-format-locale="de">')
    assert.include(german.text(), 'Mit Twitch anmelden')

    const english = await client.get('/').header('accept-language', 'en-US')
    assert.include(english.text(), '<html lang="en" data-format-locale="en-GB">')
    assert.include(english.text(), 'Sign in with Twitch')
  })

  test('form errors are in the reader language, numbers written as the form asks them', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.merge({ locale: 'fr' }).create()
    const blank = await client
      .post('/campaigns')
      .loginAs(user)
      .withCsrfToken()
      .form({ name: '  ' })
      .redirects(0)
    blank.assertStatus(302)
    assertInputError(blank, 'name', 'Donne-lui un nom.')
    assert.lengthOf(await Campaign.all(), 0)

    const campaign = await CampaignFactory.merge({ ownerId: user.id }).create()
    const tooLong = await client
      .post(`/campaigns/${campaign.id}/polls`)
      .loginAs(user)
      .withCsrfToken()
      .form({ 'title': 'Q', 'choices[]': ['Oui', 'Non'], 'duration_seconds': '2000' })
      .redirects(0)
    tooLong.assertStatus(302)
    assertInputError(
      tooLong,
      'duration_seconds',
      'Sur Twitch, un sondage dure au plus 1800 secondes (30 minutes).'
    )

    const english = await UserFactory.create()
    const englishBlank = await client
      .post('/campaigns')
      .loginAs(english)
      .withCsrfToken()
      .form({ name: '' })
      .redirects(0)
    assertInputError(englishBlank, 'name', 'Give it a name.')
  })

  test('the form shows the error where the field is, in the page language', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.merge({ locale: 'es' }).create()
    const campaign = await CampaignFactory.merge({ ownerId: user.id }).create()
    const page = await client
      .get(`/campaigns/${campaign.id}/polls`)
      .loginAs(user)
      .withSession({})
      .withFlashMessages({ inputErrorsBag: { 'choices.1': ['Una opción no puede estar vacía.'] } })
    page.assertStatus(200)
    assert.include(page.text(), 'Opción 2: Una opción no puede estar vacía.')
    assert.include(page.text(), 'Añadir una encuesta')
  })
})
