import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

interface Middleware {
  handle(ctx: HttpContext, next: NextFn): unknown
}

/**
 * What every page and browser request goes through, in order: body
 * parsing, the session, shield (CSRF…), auth, and reading the signed-in user.
 */
type MiddlewareClass = new (...args: any[]) => Middleware

const PAGE_STACK: (() => Promise<{ default: MiddlewareClass }>)[] = [
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('@adonisjs/session/session_middleware'),
  () => import('@adonisjs/shield/shield_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/silent_auth_middleware'),
]

/**
 * Routes that only machines call (Twitch's webhook, under `/webhooks/`)
 * skip that stack: no session, no CSRF, no cookies, and their handler
 * reads the raw body itself (a signature covers its exact bytes).
 */
export function isMachineRoute(ctx: HttpContext) {
  return ctx.route?.pattern.startsWith('/webhooks/') ?? false
}

/**
 * Runs the page stack for every route except the machine routes.
 */
export default class PageStackMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isMachineRoute(ctx)) return next()
    // Imported modules are cached by Node: only the first request loads them.
    const modules = await Promise.all(PAGE_STACK.map((load) => load()))
    const classes = modules.map((module) => module.default)
    // Built per request through the request's container, as the router would.
    const stack = await Promise.all(classes.map((type) => ctx.containerResolver.make(type)))
    const run = (index: number): Promise<unknown> =>
      Promise.resolve(
        index === stack.length ? next() : stack[index].handle(ctx, () => run(index + 1) as any)
      )
    return run(0)
  }
}
