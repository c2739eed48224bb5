import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'
import { isApiRequest } from '#services/api/api_request'

/**
 * Shield (CSRF, frame and sniffing guards) for the browser's requests. The
 * JSON API is skipped: it is authorized by a bearer token, never by a
 * cookie, so CSRF cannot apply — and shield would store a CSRF secret in a
 * new session for every cookieless API call (docs/api.md).
 */
@inject()
export default class BrowserShieldMiddleware {
  constructor(private shield: ShieldMiddleware) {}

  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx.request)) return next()
    return this.shield.handle(ctx, next)
  }
}
