import vine from '@vinejs/vine'
import { NOTIFICATION_CATEGORIES } from '#services/notifications/notification_preferences'

/**
 * The preferences form: one checkbox per category, `push[<category>]`; an
 * unchecked box is simply absent.
 */
export const notificationPreferencesValidator = vine.create({
  push: vine
    .object(
      Object.fromEntries(
        NOTIFICATION_CATEGORIES.map((category) => [category.key, vine.boolean().optional()])
      )
    )
    .optional(),
})
