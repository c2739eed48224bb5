import type { I18n } from '@adonisjs/i18n'
import { durationText, quotedList } from '#services/i18n/translator'

/**
 * A value of a notification's message: text or a number as is, a list of
 * names (quoted and joined the reader's way) or a duration ("2 min").
 */
type NotificationValue = string | number | { quotedList: string[] } | { durationSeconds: number }

/**
 * What a notification says, stored as a message key (`notifications.<name>`,
 * with a `title` and a `body` in resources/lang/<locale>/notifications.json)
 * and its values, so it is written out in the reader's language whenever it
 * is read or pushed (docs/languages.md).
 */
export interface NotificationMessage {
  key: string
  values: Record<string, NotificationValue>
}

export function notificationTexts(i18n: I18n, message: NotificationMessage) {
  const values = Object.fromEntries(
    Object.entries(message.values).map(([name, value]) => [name, valueText(i18n, value)])
  )
  return {
    title: i18n.t(`${message.key}.title`, values),
    body: i18n.t(`${message.key}.body`, values),
  }
}

function valueText(i18n: I18n, value: NotificationValue): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value
  if ('quotedList' in value) return quotedList(i18n, value.quotedList)
  return durationText(i18n, value.durationSeconds)
}

/** A stored `message` column, or null for rows written before languages existed. */
export function storedMessage(value: unknown): NotificationMessage | null {
  if (!value || typeof value !== 'object') return null
  const candidate = value as Partial<NotificationMessage>
  return typeof candidate.key === 'string' &&
    candidate.values &&
    typeof candidate.values === 'object'
    ? (candidate as NotificationMessage)
    : null
}
