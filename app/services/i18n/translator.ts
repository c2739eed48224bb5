import i18nManager from '@adonisjs/i18n/services/main'
import type { I18n } from '@adonisjs/i18n'
import { DEFAULT_LOCALE, formattingLocale, isLocale, type Locale } from '#services/i18n/locales'

/**
 * Texts in a chosen language outside a request (docs/languages.md): chat
 * posts in the streamer's audience language, notifications in the
 * recipient's interface language. A request's own language is `ctx.i18n`.
 */
export function translator(locale: string | null | undefined): I18n {
  return i18nManager.locale(isLocale(locale) ? locale : DEFAULT_LOCALE)
}

/**
 * The supported locale that best matches language tags, best first
 * (Accept-Language, or Twitch's channel language: "fr-CA" → fr, "pt" →
 * pt-BR), or null when Chorus speaks none of them.
 */
export function supportedLocaleOf(languages: string | string[] | null): Locale | null {
  if (languages === null || languages.length === 0) return null
  const locale = i18nManager.getSupportedLocaleFor(languages)
  return isLocale(locale) ? locale : null
}

/** "1, 2 or 3" / "1, 2 ou 3" (`disjunction`), "A and B" (`conjunction`). */
function listText(i18n: I18n, items: string[], type: 'conjunction' | 'disjunction'): string {
  return new Intl.ListFormat(formattingLocale(i18n.locale), { type }).format(items)
}

/** Each item between the language's quotes, then listed: "A" and "B", « A » et « B ». */
export function quotedList(i18n: I18n, items: string[]): string {
  return listText(
    i18n,
    items.map((text) => i18n.t('common.quoted', { text })),
    'conjunction'
  )
}

/** The choice numbers a viewer may type: "1, 2 or 3". */
export function choiceNumbers(i18n: I18n, choiceCount: number): string {
  const numbers = Array.from({ length: choiceCount }, (_, index) => String(index + 1))
  return listText(i18n, numbers, 'disjunction')
}

/**
 * A poll's duration for people, in chat and in notifications: whole minutes
 * as "2 min", anything else in seconds ("90 s", the way the poll form asks it).
 */
export function durationText(i18n: I18n, seconds: number): string {
  if (seconds < 60 || seconds % 60 !== 0) return i18n.t('common.duration.seconds', { seconds })
  return i18n.t('common.duration.minutes', { minutes: seconds / 60 })
}
