import { translateError } from '#exceptions/error_translation'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

export default class HttpExceptionHandler extends ExceptionHandler {
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
    return super.handle(await translateError(error), ctx)
  }

  /**
   * Server errors are logged with their stack by the framework; outside
   * production a 4xx also leaves its stack in the log (at debug level), since
   * the page no longer shows it.
   */
  async report(error: unknown, ctx: HttpContext) {
    const translated = await translateError(error)
    const httpError = this.toHttpError(translated)
    if (process.env.NODE_ENV !== 'production' && httpError.status < 500) {
      ctx.logger.debug({ err: httpError, url: ctx.request.url() }, httpError.message)
    }
    return super.report(translated, ctx)
  }
}
