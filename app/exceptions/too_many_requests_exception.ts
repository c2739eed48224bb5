import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import type { errors as limiterErrors } from '@adonisjs/limiter'
import { respondWithError } from '#exceptions/error_response'

type ThrottleException = InstanceType<typeof limiterErrors.E_TOO_MANY_REQUESTS>

/**
 * A rate limit (start/limiter.ts) was reached: a friendly page (or JSON for
 * scripts) saying when to try again, with the limiter's Retry-After and
 * X-RateLimit-* headers. Logged at most as a warning, never as an error.
 */
export class TooManyRequestsException extends Exception {
  static status = 429
  static code = 'E_TOO_MANY_REQUESTS'

  constructor(readonly throttle: ThrottleException) {
    super(throttle.message)
  }

  /**
   * Seconds until the next request is allowed.
   */
  get retryAfterSeconds() {
    return Math.max(1, Math.ceil(this.throttle.response.availableIn))
  }

  async handle(error: this, ctx: HttpContext) {
    const headers = error.throttle.getDefaultHeaders()
    for (const [name, value] of Object.entries(headers)) {
      ctx.response.header(name, value)
    }
    ctx.response.header('Retry-After', String(error.retryAfterSeconds))
    return respondWithError(ctx, 429, {
      view: 'pages/errors/too_many_requests',
      message: {
        key: 'errors.too_many_requests.wait',
        values: waitValues(error.retryAfterSeconds),
      },
      state: { retryAfterSeconds: error.retryAfterSeconds },
    })
  }
}

/** Under a minute in seconds, else in whole minutes rounded up. */
function waitValues(seconds: number) {
  return seconds < 60
    ? { unit: 'seconds', count: seconds }
    : { unit: 'minutes', count: Math.ceil(seconds / 60) }
}
