import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'
import { errors } from '@adonisjs/auth'

/**
 * Pages behind sign-in. A signed-out visitor opening a page goes to the
 * landing page with "Sign in to continue."; the page they asked for is kept
 * in the session (GET only, a path on this site) and the sign-in callback
 * takes them back to it (docs/architecture.md, "Sign-in").
 * JSON requests get a 401.
 */
export default class AuthMiddleware {
  redirectTo = '/'

  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { guards?: (keyof Authenticators)[] } = {}
  ) {
    try {
      await ctx.auth.authenticateUsing(options.guards, { loginRoute: this.redirectTo })
    } catch (error) {
      if (
        error instanceof errors.E_UNAUTHORIZED_ACCESS &&
        ctx.request.accepts(['html', 'json']) !== 'json'
      ) {
        ctx.session.flash('notice', ctx.i18n.t('layout.flash.sign_in_to_continue'))
        return ctx.response.redirect().withIntendedUrl().toPath(this.redirectTo)
      }
      throw error
    }
    return next()
  }
}
