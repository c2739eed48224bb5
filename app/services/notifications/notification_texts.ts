import type { I18n } from '@adonisjs/i18n'
import { messageValues, type Message } from '#services/i18n/message'

/**
 * What a notification says, stored as a message key (`notifications.<name>`,
 * with a `title` and a `body` in resources/lang/<locale>/notifications.json)
 * and its values, so it is written out in the reader's language whenever it
 * is read or pushed (docs/languages.md).
 */
export function notificationTexts(i18n: I18n, message: Message) {
  const values = messageValues(i18n, message.values)
  return {
    title: i18n.t(`${message.key}.title`, values),
    body: i18n.t(`${message.key}.body`, values),
  }
}

/** A stored `message` column, or null for rows written before languages existed. */
export function storedMessage(value: unknown): Message | null {
  if (!value || typeof value !== 'object') return null
  const candidate = value as Partial<Message>
  return typeof candidate.key === 'string' &&
    candidate.values &&
    typeof candidate.values === 'object'
    ? (candidate as Message)
    : null
}
