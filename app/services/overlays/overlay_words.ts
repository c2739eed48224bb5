import type { I18n } from '@adonisjs/i18n'
import { formattingLocale } from '#services/i18n/locales'

/**
 * The words the overlay's script writes, as ICU messages of the audience
 * language (public/js/overlay_words.js writes them out in the browser, with
 * live counts). Named here one by one: each is a key of overlay.json.
 */
const WORDS = {
  final_result: 'overlay.final_result',
  live: 'overlay.live',
  counting: 'overlay.counting',
  time_left: 'overlay.time_left',
  channels: 'overlay.channels',
  votes: 'overlay.votes',
  how_to_vote: 'overlay.how_to_vote',
  preview_title: 'overlay.preview.title',
  preview_yes: 'overlay.preview.yes',
  preview_no: 'overlay.preview.no',
  preview_roll: 'overlay.preview.roll',
} as const

export function overlayWords(i18n: I18n) {
  return {
    locale: i18n.locale,
    formatLocale: formattingLocale(i18n.locale),
    title: i18n.t('overlay.page_title'),
    words: JSON.stringify(
      Object.fromEntries(
        Object.entries(WORDS).map(([name, key]) => [name, i18n.resolveIdentifier(key)?.message])
      )
    ),
  }
}
