import { inject } from '@adonisjs/core'
import { translateError } from '#exceptions/error_translation'
import { ServiceAvailability } from '#services/availability/service_availability'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { answersJsonOnly } from '#services/api/api_request'
import { renderApiError } from '#exceptions/api_error_renderer'
import { renderRefusalPage } from '#exceptions/domain_error_renderer'
import { DomainError } from '#services/domain_errors'

@inject()
export default class HttpExceptionHandler extends ExceptionHandler {
  constructor(private availability: ServiceAvailability) {
    super()
  }

  /**
   * No stack traces, request headers or cookies in any response, whatever
   * NODE_ENV says: the demo runs in development and is used by people, not
   * only by the developer. Details go to the log (see `report`).
   */
  protected debug = false

  /**
   * The friendly pages in every environment (docs/operations.md).
   */
  protected renderStatusPages = true

  /**
   * Ranges must not cover the single codes: the single codes are visited
   * first (integer-like keys), so an overlapping range would replace them.
   */
  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '400..402': (error, { view }) => view.render('pages/errors/bad_request', { error }),
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '405..499': (error, { view }) => view.render('pages/errors/bad_request', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    const translated = translateError(error, this.availability)
    // The JSON API and the push API answer JSON only, whatever the error (docs/api.md)
    if (answersJsonOnly(ctx.request)) return renderApiError(translated, ctx)
    // A refusal a person can act on: a message on the page (app/services/domain_errors.ts)
    if (translated instanceof DomainError) return renderRefusalPage(translated, ctx)
    return super.handle(translated, ctx)
  }

  /**
   * Server errors are logged with their stack by the framework; outside
   * production a 4xx also leaves its stack in the log (at debug level), since
   * the page no longer shows it.
   */
  async report(error: unknown, ctx: HttpContext) {
    const translated = translateError(error, this.availability)
    const httpError = this.toHttpError(translated)
    if (process.env.NODE_ENV !== 'production' && httpError.status < 500) {
      ctx.logger.debug({ err: httpError, url: ctx.request.url() }, httpError.message)
    }
    return super.report(translated, ctx)
  }
}
