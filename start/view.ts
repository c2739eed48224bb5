/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
|
| Helpers every template may call. `formatMoment` is the one date format of
| the pages (app/services/time/moment_format.ts). `localeChoices` lists the
| languages Chorus speaks, each named in itself, for the language pickers.
| `pageWords` gives the page scripts their words in the reader's language
| (app/services/i18n/page_words.ts). `messageText` writes a kept message
| (app/services/i18n/message.ts) for the reader. `channelReason` and `endPending` write a
| run's channel detail the way the JSON API does, in the reader's language
| (app/services/polls/poll_snapshot.ts).
*/
import edge from 'edge.js'
import { formatMoment } from '#services/time/moment_format'
import { formattingLocale, localeChoices } from '#services/i18n/locales'
import { pageWords } from '#services/i18n/page_words'
import { messageText } from '#services/i18n/message'
import { endPendingText, readErrorText, reasonText } from '#services/polls/poll_snapshot'

edge.global('formatMoment', formatMoment)
edge.global('localeChoices', localeChoices)
edge.global('formattingLocale', formattingLocale)
edge.global('pageWords', pageWords)
edge.global('messageText', messageText)
edge.global('channelReason', reasonText)
edge.global('readErrorText', readErrorText)
edge.global('endPending', endPendingText)
