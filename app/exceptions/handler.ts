import app from '@adonisjs/core/services/app'
import { translateError } from '#exceptions/error_translation'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

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
    return super.handle(await translateError(error), ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(await translateError(error), ctx)
  }
}
