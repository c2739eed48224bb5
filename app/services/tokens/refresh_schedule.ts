import cron from 'node-cron'
import { DateTime, IANAZone } from 'luxon'

/**
 * The refresh cycle's two cron expressions (docs/token-policy.md): 00:00, 07:00, 14:00,
 * 21:00 and 03:30, 10:30, 17:30 in SCHEDULER_TIMEZONE.
 */
export const REFRESH_CRON_EXPRESSIONS = ['0 0,7,14,21 * * *', '30 3,10,17 * * *'] as const

interface CronFields {
  minutes: number[]
  hours: number[]
  daysOfMonth: Set<number>
  months: Set<number>
  /** 0 = Sunday, as cron counts. */
  daysOfWeek: Set<number>
  dayOfMonthRestricted: boolean
  dayOfWeekRestricted: boolean
}

/** A cron expression's next match is at most this many days away (29 Feb). */
const MAX_DAYS_AHEAD = 366 * 8

/**
 * When the refresh cycle runs next, computed from the cron expressions
 * without waiting for them. The due rule needs it in every
 * process — the command and a web process with the scheduler off included.
 */
export class RefreshSchedule {
  #fields: CronFields[]

  constructor(
    readonly timezone: string = 'UTC',
    expressions: readonly string[] = REFRESH_CRON_EXPRESSIONS
  ) {
    assertTimezone(timezone)
    this.#fields = expressions.map(parseExpression)
  }

  /**
   * The first tick strictly after `after`, in the schedule's time zone.
   */
  nextTickAfter(after: DateTime): DateTime {
    const candidates = this.#fields.map((fields) => nextMatch(fields, after, this.timezone))
    return candidates.reduce((earliest, candidate) => (candidate < earliest ? candidate : earliest))
  }
}

/**
 * Throws a clear error for a zone Luxon (and so node-cron) does not know.
 */
function assertTimezone(timezone: string) {
  if (!IANAZone.isValidZone(timezone)) {
    throw new Error(
      `Invalid SCHEDULER_TIMEZONE "${timezone}": use an IANA time zone such as UTC or Europe/Paris`
    )
  }
}

function parseExpression(expression: string): CronFields {
  if (!cron.validate(expression)) {
    throw new Error(`Invalid cron expression "${expression}"`)
  }
  const parsed = cron.parse(expression)
  const numbers = (values: (number | string)[]) =>
    values.filter((value): value is number => typeof value === 'number')
  const daysOfWeek = new Set(numbers(parsed.dayOfWeek).map((day) => day % 7))
  const daysOfMonth = new Set(numbers(parsed.dayOfMonth))
  return {
    minutes: [...parsed.minute].sort((a, b) => a - b),
    hours: [...parsed.hour].sort((a, b) => a - b),
    daysOfMonth,
    months: new Set(parsed.month),
    daysOfWeek,
    dayOfMonthRestricted: daysOfMonth.size < 31,
    dayOfWeekRestricted: daysOfWeek.size < 7,
  }
}

function dayMatches(fields: CronFields, day: DateTime) {
  if (!fields.months.has(day.month)) return false
  const byMonthDay = fields.daysOfMonth.has(day.day)
  const byWeekDay = fields.daysOfWeek.has(day.weekday % 7)
  // Cron: when both day fields are restricted, either one matching is enough.
  if (fields.dayOfMonthRestricted && fields.dayOfWeekRestricted) {
    return byMonthDay || byWeekDay
  }
  return byMonthDay && byWeekDay
}

function nextMatch(fields: CronFields, after: DateTime, timezone: string): DateTime {
  let day = after.setZone(timezone).startOf('day')
  for (let i = 0; i < MAX_DAYS_AHEAD; i++, day = day.plus({ days: 1 })) {
    if (!dayMatches(fields, day)) continue
    for (const hour of fields.hours) {
      for (const minute of fields.minutes) {
        const candidate = DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour, minute },
          { zone: timezone }
        )
        // A local time skipped by a DST change does not exist: no tick then.
        if (candidate.hour !== hour || candidate.minute !== minute) continue
        if (candidate > after) return candidate
      }
    }
  }
  throw new Error('The cron expressions never match')
}
