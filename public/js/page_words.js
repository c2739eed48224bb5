/*
 * The words the pages' scripts write, in the reader's language
 * (docs/languages.md): the layout carries them as ICU messages
 * (`#page-words`, app/services/i18n/page_words.ts) and this writes them out
 * with the browser's Intl, like the overlay's words.
 */
import { formatWord } from '/js/overlay_words.js'

const element = document.getElementById('page-words')
const { locale, words } = element ? JSON.parse(element.textContent) : { locale: 'en-GB', words: {} }

export const pageLocale = locale

/** The message `name` with its values (`{name}`, plurals), or the name itself if the page has none. */
export function word(name, values = {}) {
  const message = words[name]
  return message === undefined ? name : formatWord(message, values, locale)
}

/** A word from a small table (`run_status.running`), or null when the table has no such entry. */
export function wordOrNull(name, values = {}) {
  return words[name] === undefined ? null : word(name, values)
}
