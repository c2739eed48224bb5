import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/** Where shield keeps the CSRF secret it makes for every page. */
const CSRF_SECRET_KEY = 'csrf-secret'

/**
 * A visitor who holds nothing in a session — a first look at the landing
 * page, an OBS overlay (its key is its only credential) — gets no session
 * stored: the CSRF secret shield makes for every page is dropped when it is
 * all the session would hold, so a stream of cookieless requests writes
 * nothing to Redis. Anything else (signing in, a flash message, the page
 * asked for before sign-in) keeps the session as before, with its secret
 * (docs/operations.md, "What strangers can cost").
 */
export default class VisitorSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const heldNothing = ctx.session.isEmpty
    await next()
    if (!heldNothing) return
    const keys = Object.keys(ctx.session.all())
    if (keys.length === 1 && keys[0] === CSRF_SECRET_KEY) ctx.session.forget(CSRF_SECRET_KEY)
  }
}
