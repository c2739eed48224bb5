import { inject } from '@adonisjs/core'
import { unreachableDependency } from '#services/availability/outage_errors'
import { ServiceAvailability } from '#services/availability/service_availability'

/**
 * For the loops that run without a request (the poll watcher, the results
 * pollers, the scheduler's jobs): a pass that failed because PostgreSQL or
 * Redis is unreachable is recorded as an outage, which is logged once, not
 * once per pass; any other failure is logged by `log` as before.
 */
@inject()
export class BackgroundFailures {
  constructor(private availability: ServiceAvailability) {}

  report(error: unknown, log: () => void) {
    const dependency = unreachableDependency(error)
    if (!dependency) {
      log()
      return
    }
    this.availability.markDown(dependency, error)
  }
}
