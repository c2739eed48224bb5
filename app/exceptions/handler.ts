import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { isApiRequest } from '#services/api/api_request'
import { renderApiError } from '#exceptions/api_error_renderer'

export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * Full stack traces only while developing.
   */
  protected debug = !app.inProduction

  /**
   * Friendly HTML pages for errors in production and tests (never a raw
   * stack in front of a streamer mid-show).
   */
  protected renderStatusPages = app.inProduction || app.inTest

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    // The JSON API answers JSON only, whatever the error (docs/api.md)
    if (isApiRequest(ctx.request)) return renderApiError(error, ctx)
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
