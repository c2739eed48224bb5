import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import { NotificationInbox } from '#services/inbox/notification_inbox'

/**
 * The signed-in user's in-app notifications.
 */
@inject()
export default class NotificationsController {
  constructor(private inbox: NotificationInbox) {}

  async index({ auth, view }: HttpContext) {
    const user = auth.getUserOrFail()
    return view.render('pages/notifications/index', {
      notifications: await this.inbox.latest(user, 100),
      unreadCount: await this.inbox.unreadCount(user),
    })
  }

  async markRead({ auth, params, request, response }: HttpContext) {
    await this.inbox.markRead(auth.getUserOrFail(), params.id)
    return response.redirect().toRoute(backTo(request.input('back')))
  }

  async markAllRead({ i18n, auth, request, response, session }: HttpContext) {
    const count = await this.inbox.markAllRead(auth.getUserOrFail())
    session.flash('success', i18n.t('notifications.flash.marked_read', { count }))
    return response.redirect().toRoute(backTo(request.input('back')))
  }
}

/**
 * Where the form came from: the dashboard or the notifications page, never
 * another site.
 */
function backTo(back: unknown) {
  return back === urlFor('notifications.index') ? 'notifications.index' : 'dashboard'
}
