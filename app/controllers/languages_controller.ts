import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import Streamer from '#models/streamer'
import { LanguageSettings } from '#services/i18n/language_settings'
import { translator } from '#services/i18n/translator'
import { localeChoices } from '#services/i18n/locales'
import { localeValidator } from '#validators/language'

/**
 * The language pickers: the signed-in person's own (account page) and their
 * viewers' (the overlay card on the dashboard). See docs/languages.md.
 */
@inject()
export default class LanguagesController {
  constructor(private languages: LanguageSettings) {}

  async updateInterface({ auth, request, response, session }: HttpContext) {
    const user = auth.getUserOrFail()
    const { locale } = await request.validateUsing(localeValidator)
    await this.languages.setInterfaceLocale(user, locale)
    // Said in the language just picked.
    session.flash('success', translator(locale).t('settings.language.saved'))
    return response.redirect().toRoute('account.show')
  }

  async updateAudience({ auth, i18n, request, response, session }: HttpContext) {
    const streamer = await Streamer.findBy('user_id', auth.getUserOrFail().id)
    if (!streamer) return response.notFound(i18n.t('errors.no_channel'))
    const { locale } = await request.validateUsing(localeValidator)
    await this.languages.setAudienceLocale(streamer, locale)
    const language = localeChoices().find((choice) => choice.value === locale)?.label ?? locale
    session.flash('success', i18n.t('settings.audience.saved', { language }))
    return response.redirect().toPath('/dashboard#overlay')
  }
}
