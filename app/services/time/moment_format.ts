import { DateTime } from 'luxon'
import { DEFAULT_LOCALE, formattingLocale } from '#services/i18n/locales'

/**
 * The one way a moment is written on every page: "Mon 30 Nov, 18:39 UTC".
 * The server writes it in UTC inside `<time datetime=…>` (the
 * `components/campaigns/local_time` component), and public/js/local_time.js
 * rewrites it in the same shape in the reader's own time zone
 * ("Tue 1 Dec, 03:39 GMT+9"). See docs/architecture.md, "Dates".
 * The names of days and months are the reader's language's, through Intl
 * (French: "lun. 30 nov., 18:39 UTC"); the shape stays (docs/languages.md).
 */
const SERVER_FORMAT = "ccc d LLL, HH:mm 'UTC'"

interface MomentView {
  /** ISO 8601 in UTC, for `datetime` and the browser script. */
  iso: string
  /** What the page shows before the script runs (and without it). */
  text: string
}

export function formatMoment(
  at: DateTime | Date | string,
  locale: string = DEFAULT_LOCALE
): MomentView {
  const moment =
    at instanceof DateTime
      ? at
      : at instanceof Date
        ? DateTime.fromJSDate(at)
        : DateTime.fromISO(at, { setZone: true })
  const utc = moment.toUTC().setLocale(formattingLocale(locale))
  return { iso: utc.toISO()!, text: utc.toFormat(SERVER_FORMAT) }
}
