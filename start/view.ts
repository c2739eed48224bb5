/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
|
| Helpers every template may call. `formatMoment` is the one date format of
| the pages (app/services/time/moment_format.ts). `localeChoices` lists the
| languages Chorus speaks, each named in itself, for the language pickers.
| `pageWords` gives the page scripts their words in the reader's language
| (app/services/i18n/page_words.ts).
*/
import edge from 'edge.js'
import { formatMoment } from '#services/time/moment_format'
import { formattingLocale, localeChoices } from '#services/i18n/locales'
import { pageWords } from '#services/i18n/page_words'

edge.global('formatMoment', formatMoment)
edge.global('localeChoices', localeChoices)
edge.global('formattingLocale', formattingLocale)
edge.global('pageWords', pageWords)
