import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import availabilityConfig from '#config/availability'
import { respondWithError } from '#exceptions/error_response'
import type { Dependency } from '#services/availability/service_availability'

/**
 * PostgreSQL or Redis is unreachable: the request is answered with a 503
 * and a Retry-After instead of a 500 or a hang. Never logged per request:
 * ServiceAvailability logs the outage once (docs/operations.md, "Outages").
 */
export class ServiceUnavailableException extends Exception {
  static status = 503
  static code = 'E_SERVICE_UNAVAILABLE'

  constructor(readonly dependencies: Dependency[]) {
    super(`Chorus is briefly unavailable (${dependencies.join(', ')} unreachable)`)
  }

  report() {}

  async handle(_error: this, ctx: HttpContext) {
    ctx.response.header('Retry-After', String(availabilityConfig.retryAfterSeconds))
    ctx.response.header('Cache-Control', 'no-store')
    return respondWithError(ctx, 503, {
      view: 'pages/errors/unavailable',
      message: { key: 'errors.unavailable.message', values: {} },
      state: { retryAfterSeconds: availabilityConfig.retryAfterSeconds },
    })
  }
}
