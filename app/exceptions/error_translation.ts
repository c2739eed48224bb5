import app from '@adonisjs/core/services/app'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { ServiceUnavailableException } from '#exceptions/service_unavailable_exception'
import { TooManyRequestsException } from '#exceptions/too_many_requests_exception'
import { ServiceAvailability } from '#services/availability/service_availability'
import { unreachableDependency } from '#services/availability/outage_errors'

/**
 * Turns the errors that are no bug into the exceptions that answer them:
 * an unreachable PostgreSQL or Redis (recorded as an outage, answered 503)
 * and a reached rate limit (the friendly 429). Anything else is returned as
 * it is.
 */
export async function translateError(error: unknown): Promise<unknown> {
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
    return new TooManyRequestsException(error)
  }
  const dependency = unreachableDependency(error)
  if (dependency) {
    const availability = await app.container.make(ServiceAvailability)
    availability.markDown(dependency, error)
    return new ServiceUnavailableException([dependency])
  }
  return error
}
