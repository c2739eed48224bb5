import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { errors as vineErrors } from '@vinejs/vine'
import { ApiError } from '#exceptions/api_error'
import { translator } from '#services/i18n/translator'
import { messageText } from '#services/i18n/message'
import {
  DomainError,
  IdempotencyKeyReusedError,
  PollLaunchInterruptedError,
} from '#services/domain_errors'
import { isApiRequest } from '#services/api/api_request'

interface ApiErrorItem {
  message: string
  field?: string
}

const SIGNED_OUT = 'Sign in to Chorus again, then retry.'

const UNAUTHORIZED =
  'Send a valid API token in the Authorization header: "Authorization: Bearer <token>". ' +
  'Tokens are made on the API tokens page of Chorus.'

/**
 * Every error of the JSON API (and of the push API) as `{"errors":[{"message","field"?}]}` with
 * its status (docs/api.md): never an HTML page, a redirect or a stack trace.
 * Errors of 500 and above say nothing about their cause (the exception
 * handler logs them); 503 says a service Chorus needs is out of reach.
 */
export function renderApiError(error: unknown, ctx: HttpContext) {
  const { response } = ctx
  const { status, errors } = describe(error, ctx)

  const throttle = throttleOf(error)
  if (throttle) {
    for (const [name, value] of Object.entries(throttle.getDefaultHeaders())) {
      response.header(name, value)
    }
    response.header('Retry-After', String(retryAfterSeconds(throttle)))
  }
  if (status === 401 && isApiRequest(ctx.request)) {
    response.header('WWW-Authenticate', 'Bearer realm="Chorus API"')
  }
  // A launch asked again with its key is answered as a replay, refusal included.
  if (error instanceof PollLaunchInterruptedError && error.replayed) {
    response.header('Idempotent-Replayed', 'true')
  }
  response.header('Cache-Control', 'no-store')
  response.removeHeader('Location')
  response.status(status).json({ errors })
}

function describe(error: unknown, ctx: HttpContext): { status: number; errors: ApiErrorItem[] } {
  if (error instanceof IdempotencyKeyReusedError) {
    const key = ctx.request.header('idempotency-key') ?? null
    return {
      status: error.status,
      errors: [
        {
          message: messageText(translator('en'), IdempotencyKeyReusedError.naming(error.run, key)),
          field: error.field,
        },
      ],
    }
  }
  if (error instanceof ApiError || error instanceof DomainError) {
    return {
      status: error.status,
      errors: [
        error.field ? { message: error.message, field: error.field } : { message: error.message },
      ],
    }
  }
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    const messages = error.messages as { message: string; field: string }[]
    return {
      status: 422,
      errors: messages.map(({ message, field }) => ({ message, field })),
    }
  }
  if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS) {
    return {
      status: 401,
      errors: [{ message: isApiRequest(ctx.request) ? UNAUTHORIZED : SIGNED_OUT }],
    }
  }
  const throttle = throttleOf(error)
  if (throttle) {
    const seconds = retryAfterSeconds(throttle)
    return {
      status: 429,
      errors: [
        {
          message: `Too many requests with this token: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        },
      ],
    }
  }

  const status = statusOf(error)
  if (status === 404) {
    return {
      status,
      errors: [
        {
          message: isRouteNotFound(error)
            ? `No such API route: ${ctx.request.method()} ${ctx.request.url()}.`
            : 'Not found.',
        },
      ],
    }
  }
  if (status >= 400 && status < 500) {
    const message = error instanceof Error && error.message ? error.message : 'Bad request.'
    // Some exceptions name the input at fault (e.g. the NUL guard's)
    const field = (error as { field?: unknown }).field
    return { status, errors: [typeof field === 'string' ? { message, field } : { message }] }
  }
  if (status === 503) {
    return {
      status,
      errors: [
        { message: 'Chorus cannot reach its database or Redis right now: try again in a moment.' },
      ],
    }
  }
  return { status: 500, errors: [{ message: 'Something went wrong on our side: try again.' }] }
}

type ThrottleException = InstanceType<typeof limiterErrors.E_TOO_MANY_REQUESTS>

/**
 * The limiter's exception, as thrown or wrapped by the exception handler's
 * translation into the pages' 429 (which keeps it as `throttle`).
 */
function throttleOf(error: unknown): ThrottleException | null {
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) return error
  const wrapped = (error as { throttle?: unknown } | null)?.throttle
  return wrapped instanceof limiterErrors.E_TOO_MANY_REQUESTS ? wrapped : null
}

function retryAfterSeconds(throttle: ThrottleException) {
  return Math.max(1, Math.ceil(throttle.response.availableIn))
}

function statusOf(error: unknown) {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}

function isRouteNotFound(error: unknown) {
  return (error as { code?: unknown } | null)?.code === 'E_ROUTE_NOT_FOUND'
}
