import { DateTime } from 'luxon'

/**
 * The one way a moment is written on every page: "Mon 30 Nov, 18:39 UTC".
 * The server writes it in UTC inside `<time datetime=…>` (the
 * `components/campaigns/local_time` component), and public/js/local_time.js
 * rewrites it in the same shape in the reader's own time zone
 * ("Tue 1 Dec, 03:39 GMT+9"). See docs/architecture.md, "Dates".
 */
const MOMENT_LOCALE = 'en-GB'
const SERVER_FORMAT = "ccc d LLL, HH:mm 'UTC'"

interface MomentView {
  /** ISO 8601 in UTC, for `datetime` and the browser script. */
  iso: string
  /** What the page shows before the script runs (and without it). */
  text: string
}

export function formatMoment(at: DateTime | Date | string): MomentView {
  const moment =
    at instanceof DateTime
      ? at
      : at instanceof Date
        ? DateTime.fromJSDate(at)
        : DateTime.fromISO(at, { setZone: true })
  const utc = moment.toUTC().setLocale(MOMENT_LOCALE)
  return { iso: utc.toISO()!, text: utc.toFormat(SERVER_FORMAT) }
}
