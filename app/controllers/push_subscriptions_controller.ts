import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { PushSettings } from '#services/push/push_settings'
import { PushSubscriptionService } from '#services/push/push_subscription_service'
import { pushSubscriptionValidator, pushUnsubscribeValidator } from '#validators/push_subscription'

/**
 * The web-push JSON API (docs/notifications.md), used by public/js/push.js. Every error
 * answers JSON (`{errors: [{message, field?}]}`), whatever the request's
 * Accept header says: the exception handler answers this API as it answers
 * the JSON API.
 */
@inject()
export default class PushSubscriptionsController {
  constructor(
    private settings: PushSettings,
    private subscriptions: PushSubscriptionService
  ) {}

  /** GET /push/vapid-public-key */
  async vapidPublicKey({ response }: HttpContext) {
    if (!this.settings.vapidConfigured) {
      return response.serviceUnavailable({
        errors: [{ message: 'Web push is not configured on this server' }],
      })
    }
    return { publicKey: this.settings.vapid.publicKey }
  }

  /** POST /push/subscriptions with `PushSubscription.toJSON()` */
  async store({ auth, request, response }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await pushSubscriptionValidator.validate(request.body())
    const saved = await this.subscriptions.subscribe(
      user.id,
      input,
      request.header('user-agent') ?? null
    )
    return response.status(saved.created ? 201 : 200).json({ subscribed: true })
  }

  /** DELETE /push/subscriptions with `{endpoint}`: only the user's own. */
  async destroy({ auth, request, response }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await pushUnsubscribeValidator.validate(request.body())
    const removed = await this.subscriptions.unsubscribe(user.id, input.endpoint)
    if (!removed) {
      return response.notFound({
        errors: [{ message: 'You have no push subscription with this endpoint' }],
      })
    }
    return response.noContent()
  }
}
