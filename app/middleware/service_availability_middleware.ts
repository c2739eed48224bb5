import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ServiceUnavailableException } from '#exceptions/service_unavailable_exception'
import { ServiceAvailability } from '#services/availability/service_availability'

/**
 * While PostgreSQL or Redis is known to be down, answers 503 at once instead
 * of letting the request wait on a connection that is not there. Runs before
 * the session (which lives in Redis). `GET /health` is answered earlier
 * (app/middleware/health_endpoint_middleware.ts).
 */
@inject()
export default class ServiceAvailabilityMiddleware {
  constructor(private availability: ServiceAvailability) {}

  async handle(_ctx: HttpContext, next: NextFn) {
    const down = this.availability.down()
    if (down.length > 0) {
      throw new ServiceUnavailableException(down)
    }
    return next()
  }
}
