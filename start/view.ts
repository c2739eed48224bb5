/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
|
| Helpers every template may call. `formatMoment` is the one date format of
| the pages (app/services/time/moment_format.ts). `localeChoices` lists the
| languages Chorus speaks, each named in itself, for the language pickers.
*/
import edge from 'edge.js'
import { formatMoment } from '#services/time/moment_format'
import { localeChoices } from '#services/i18n/locales'

edge.global('formatMoment', formatMoment)
edge.global('localeChoices', localeChoices)
