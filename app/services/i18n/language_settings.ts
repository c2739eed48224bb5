import type User from '#models/user'
import type Streamer from '#models/streamer'
import type { Locale } from '#services/i18n/locales'

/**
 * The two saved language choices (docs/languages.md): a person's interface
 * language (pages, notifications in the app and by push) and a streamer's
 * audience language (their overlay and the chat posts in their channel).
 */
export class LanguageSettings {
  async setInterfaceLocale(user: User, locale: Locale) {
    user.locale = locale
    await user.save()
  }

  async setAudienceLocale(streamer: Streamer, locale: Locale) {
    streamer.audienceLocale = locale
    await streamer.save()
  }
}
