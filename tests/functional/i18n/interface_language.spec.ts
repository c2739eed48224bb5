import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import PushSubscription from '#models/push_subscription'
import Streamer from '#models/streamer'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { NotificationService } from '#services/notifications/notification_service'
import { PushReceiver } from '#tests/helpers/push_receiver'
import { withPushReceiver } from '#tests/helpers/push_settings'
import { SEEDED, connectedStreamer, submit } from '#tests/helpers/campaigns'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { clearOverlayLimits, overlayOf } from '#tests/helpers/overlays'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

async function localeOf(userId: number) {
  const user = await User.findOrFail(userId)
  return user.locale
}

/** "Bram_Rolls joined "Ashes"", to `user`, in the app and by push. */
async function joinedNotice(user: User) {
  const notifications = await app.container.make(NotificationService)
  await notifications.notify([
    {
      userId: user.id,
      type: 'campaign.invitation_accepted',
      message: { key: 'notifications.accepted', values: { name: 'Bram_Rolls', campaign: 'Ashes' } },
      url: '/campaigns/1',
    },
  ])
  await settleNotifications()
}

test.group('Languages: the interface language of notifications', (group) => {
  withPushReceiver(group, receiver)

  test('switching the language rewrites the in-app list and sends the next push in it', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()
    const phone = receiver.subscription('phone')
    const { keys } = phone.toJSON()
    await PushSubscription.create({ userId: user.id, endpoint: phone.endpoint, ...keys })

    await joinedNotice(user)
    const [englishPush] = receiver.requestsFor(phone)
    assert.equal(phone.decryptJson(englishPush).title, 'Bram_Rolls joined "Ashes"')
    const before = await client.get('/notifications').loginAs(user)
    assert.include(before.text(), 'Bram_Rolls joined &quot;Ashes&quot;')

    const saved = await submit(client, 'post', '/account/language', user, { locale: 'de' })
    saved.assertStatus(302)
    assert.equal(saved.header('location'), '/account')
    saved.assertFlashMessage('success', 'Sprache gespeichert.')
    await user.refresh()
    assert.equal(user.locale, 'de')

    // The same stored notification now reads German; the old English text is gone.
    const after = await client.get('/notifications').loginAs(user)
    assert.include(after.text(), 'Bram_Rolls ist bei „Ashes“ dabei')
    assert.notInclude(after.text(), 'Bram_Rolls joined')

    await joinedNotice(user)
    const germanPush = receiver.requestsFor(phone).at(-1)!
    assert.deepInclude(phone.decryptJson(germanPush), {
      title: 'Bram_Rolls ist bei „Ashes“ dabei',
      body: 'Bram_Rolls hat deine Einladung angenommen.',
    })

    // The account page shows the choice made.
    const account = await client.get('/account').loginAs(user)
    assert.match(account.text(), /<option value="de" lang="de" selected>Deutsch<\/option>/)
  })

  test('a language Chorus does not speak is refused and changes nothing', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()
    const refused = await submit(client, 'post', '/account/language', user, { locale: 'ja' })
    refused.assertStatus(302)
    assert.property(refused.flashMessages().inputErrorsBag ?? {}, 'locale')
    await user.refresh()
    assert.equal(user.locale, 'en')

    const forged = await client
      .post('/account/language')
      .loginAs(user)
      .form({ locale: 'fr' })
      .redirects(0)
    // Without the CSRF token: sent back with a message, nothing saved.
    forged.assertFlashMessage('errorsBag', { E_BAD_CSRF_TOKEN: 'Invalid or expired CSRF token' })
    await user.refresh()
    assert.equal(user.locale, 'en')
  })
})

test.group('Languages: the audience language', (group) => {
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    await clearOverlayLimits()
    return emptyDatabase()
  })

  test('a first sign-in takes the browser’s language and the channel’s Twitch language', async ({
    assert,
  }) => {
    // aria_plays streams in French on Twitch, plain_pat in Portuguese.
    const aria = new HttpSession()
    const signedIn = await signInWithTwitch(aria, SEEDED.aria.id, 'approve', {
      'Accept-Language': 'fr-CA,fr;q=0.9,en;q=0.5',
    })
    assert.equal(signedIn.status, 302)
    const ariaStreamer = await Streamer.findByOrFail('twitch_user_id', SEEDED.aria.id)
    assert.equal(ariaStreamer.audienceLocale, 'fr')
    assert.equal(await localeOf(ariaStreamer.userId), 'fr')

    await signInWithTwitch(new HttpSession(), SEEDED.pat.id, 'approve', {
      'Accept-Language': 'en-US,en;q=0.8',
    })
    const pat = await Streamer.findByOrFail('twitch_user_id', SEEDED.pat.id)
    assert.equal(pat.audienceLocale, 'pt-BR')
    assert.equal(await localeOf(pat.userId), 'en')

    // A channel language Chorus does not speak, a browser language neither: English.
    const kenji = twitchEmulator.state.createUser({
      login: 'kenji_rolls',
      broadcasterLanguage: 'ja',
    })
    await signInWithTwitch(new HttpSession(), kenji.id, 'approve', { 'Accept-Language': 'ja' })
    const kenjiStreamer = await Streamer.findByOrFail('twitch_user_id', kenji.id)
    assert.equal(kenjiStreamer.audienceLocale, 'en')
    assert.equal(await localeOf(kenjiStreamer.userId), 'en')

    // Later sign-ins keep what was chosen since.
    ariaStreamer.audienceLocale = 'es'
    await ariaStreamer.save()
    await signInWithTwitch(new HttpSession(), SEEDED.aria.id, 'approve', {
      'Accept-Language': 'de',
    })
    await ariaStreamer.refresh()
    assert.equal(ariaStreamer.audienceLocale, 'es')
    assert.equal(await localeOf(ariaStreamer.userId), 'fr')
  })

  test('the streamer picks it on the dashboard; the overlay speaks it', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.cass)
    const user = await User.findOrFail(streamer.userId)
    const dashboard = await client.get('/dashboard').loginAs(user)
    assert.match(dashboard.text(), /<option value="en" lang="en" selected>English<\/option>/)

    const saved = await submit(client, 'post', '/dashboard/audience-language', user, {
      locale: 'es',
    })
    saved.assertStatus(302)
    saved.assertFlashMessage('success', 'Your viewers now read Chorus in Español.')
    await streamer.refresh()
    assert.equal(streamer.audienceLocale, 'es')

    const again = await client.get('/dashboard').loginAs(user)
    assert.match(again.text(), /<option value="es" lang="es" selected>Español<\/option>/)
    const { path } = await overlayOf(streamer)
    const overlay = await client.get(path)
    assert.include(overlay.text(), '<html lang="es"')
    assert.include(overlay.text(), 'Resultado final')
  })
})
