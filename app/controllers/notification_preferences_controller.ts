import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import {
  NOTIFICATION_CATEGORIES,
  NotificationPreferences,
} from '#services/notifications/notification_preferences'
import { notificationPreferencesValidator } from '#validators/notification_preferences'

/**
 * Which notifications are pushed to the user's browsers, and the "Enable
 * notifications" control for this device. The in-app list gets everything.
 */
@inject()
export default class NotificationPreferencesController {
  constructor(private preferences: NotificationPreferences) {}

  async edit({ auth, view }: HttpContext) {
    const user = auth.getUserOrFail()
    const categories = await this.preferences.categoriesFor(user.id)
    return view.render('pages/notifications/preferences', {
      categories,
      someHidden: categories.length < NOTIFICATION_CATEGORIES.length,
      choices: await this.preferences.choicesOf(user.id),
    })
  }

  async update({ i18n, auth, request, response, session }: HttpContext) {
    const user = auth.getUserOrFail()
    const { push } = await request.validateUsing(notificationPreferencesValidator)
    // The form shows only what the user can receive: the other choices stay as they were.
    const categories = await this.preferences.categoriesFor(user.id)
    const shown = new Set(categories.map(({ key }) => key))
    const current = await this.preferences.choicesOf(user.id)
    await this.preferences.save(
      user.id,
      Object.fromEntries(
        NOTIFICATION_CATEGORIES.map(({ key }) => [
          key,
          shown.has(key) ? push?.[key] === true : current[key],
        ])
      )
    )
    session.flash('success', i18n.t('notifications.flash.preferences_saved'))
    return response.redirect().toRoute('notifications.preferences')
  }
}
