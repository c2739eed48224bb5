import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as vineErrors } from '@vinejs/vine'
import { liveStreamValidator, liveSubscriptionValidator } from '#validators/transmit'

/**
 * In front of Transmit's own routes: a stream needs its id, a subscription
 * an id and the name of a channel Chorus broadcasts on. Anything else is a
 * 400 before Transmit holds it in memory, so a stranger's made-up channel
 * names cost nothing (docs/operations.md, "What strangers can cost").
 */
export default class LiveRequestGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const validator =
      ctx.request.method() === 'GET' ? liveStreamValidator : liveSubscriptionValidator
    const [error] = await validator.tryValidate(ctx.request.all())
    if (error) {
      const messages = error instanceof vineErrors.E_VALIDATION_ERROR ? error.messages : []
      return ctx.response.badRequest({
        errors: (messages as { message: string; field: string }[]).map(({ message, field }) => ({
          message,
          field,
        })),
      })
    }
    return next()
  }
}
