import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * The JSON API's door: a personal access token (`Authorization: Bearer …`,
 * the `api` guard) and nothing else — no session, no redirect. A missing or
 * bad token is a 401 in JSON (app/exceptions/api_error_renderer.ts).
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.authenticateUsing(['api'])
    return next()
  }
}
