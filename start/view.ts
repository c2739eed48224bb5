/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
|
| Helpers every template may call. `formatMoment` is the one date format of
| the pages (app/services/time/moment_format.ts).
*/
import edge from 'edge.js'
import { formatMoment } from '#services/time/moment_format'

edge.global('formatMoment', formatMoment)
