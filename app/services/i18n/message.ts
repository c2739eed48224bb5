import type { I18n } from '@adonisjs/i18n'
import { durationText, quotedList } from '#services/i18n/translator'

/**
 * A value of a message: text or a number as is, a list of names (quoted and
 * joined the reader's way) or a duration ("2 min").
 */
export type MessageValue = string | number | { quotedList: string[] } | { durationSeconds: number }

/**
 * Something Chorus says, kept as a message key of resources/lang/<locale>/
 * and its values rather than as a sentence, so it is written out in the
 * language of whoever reads it, when they read it: notifications, refusals
 * (app/services/domain_errors.ts), launch notes (docs/languages.md).
 */
export interface Message {
  key: string
  values: Record<string, MessageValue>
}

/** The values of a message as ICU takes them, in the reader's language. */
export function messageValues(i18n: I18n, values: Message['values']) {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, valueText(i18n, value)])
  )
}

/** The message written out for one reader. */
export function messageText(i18n: I18n, message: Message): string {
  return i18n.t(message.key, messageValues(i18n, message.values))
}

function valueText(i18n: I18n, value: MessageValue): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value
  if ('quotedList' in value) return quotedList(i18n, value.quotedList)
  return durationText(i18n, value.durationSeconds)
}
