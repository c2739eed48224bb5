import { errors as limiterErrors } from '@adonisjs/limiter'
import { ServiceUnavailableException } from '#exceptions/service_unavailable_exception'
import { TooManyRequestsException } from '#exceptions/too_many_requests_exception'
import type { ServiceAvailability } from '#services/availability/service_availability'
import { unreachableDependency } from '#services/availability/outage_errors'

/**
 * Turns the errors that are no bug into the exceptions that answer them:
 * an unreachable PostgreSQL or Redis (recorded as an outage, answered 503)
 * and a reached rate limit (the friendly 429). Anything else is returned as
 * it is.
 */
export function translateError(error: unknown, availability: ServiceAvailability): unknown {
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
    return new TooManyRequestsException(error)
  }
  const dependency = unreachableDependency(error)
  if (dependency) {
    availability.markDown(dependency, error)
    return new ServiceUnavailableException([dependency])
  }
  return error
}
