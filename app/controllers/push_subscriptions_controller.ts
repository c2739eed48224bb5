import { inject } from '@adonisjs/core'
import { errors } from '@vinejs/vine'
import type { HttpContext } from '@adonisjs/core/http'
import type { Infer, SchemaTypes } from '@vinejs/vine/types'
import type { VineValidator } from '@vinejs/vine'
import { PushSettings } from '#services/push/push_settings'
import { PushEndpointRefused } from '#services/push/push_endpoint_guard'
import { PushSubscriptionService } from '#services/push/push_subscription_service'
import { pushSubscriptionValidator, pushUnsubscribeValidator } from '#validators/push_subscription'

/**
 * The web-push JSON API (docs/notifications.md), used by public/js/push.js. Every error
 * answers JSON (`{errors: [{field?, rule?, message}]}`), whatever the
 * request's Accept header says.
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
    const input = await validateBody(pushSubscriptionValidator, request.body())
    if ('errors' in input) return response.unprocessableEntity(input)

    try {
      const saved = await this.subscriptions.subscribe(
        user.id,
        input.data,
        request.header('user-agent') ?? null
      )
      return response.status(saved.created ? 201 : 200).json({ subscribed: true })
    } catch (error) {
      if (error instanceof PushEndpointRefused) {
        return response.unprocessableEntity({
          errors: [{ field: 'endpoint', rule: 'pushEndpoint', message: error.message }],
        })
      }
      throw error
    }
  }

  /** DELETE /push/subscriptions with `{endpoint}`: only the user's own. */
  async destroy({ auth, request, response }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await validateBody(pushUnsubscribeValidator, request.body())
    if ('errors' in input) return response.unprocessableEntity(input)

    const removed = await this.subscriptions.unsubscribe(user.id, input.data.endpoint)
    if (!removed) {
      return response.notFound({
        errors: [{ message: 'You have no push subscription with this endpoint' }],
      })
    }
    return response.noContent()
  }
}

async function validateBody<Schema extends SchemaTypes>(
  validator: VineValidator<Schema, Record<string, any> | undefined>,
  body: unknown
): Promise<{ data: Infer<Schema> } | { errors: unknown[] }> {
  try {
    return { data: await validator.validate(body) }
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      return { errors: error.messages }
    }
    throw error
  }
}
