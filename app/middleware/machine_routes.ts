import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

interface Middleware {
  handle(ctx: HttpContext, next: NextFn): unknown
}

type MiddlewareModule = Promise<{ default: new (...args: any[]) => Middleware }>

/**
 * Routes that only machines call (Twitch's webhook, under `/webhooks/`):
 * they skip the page middleware — no body parser (their handler reads the
 * raw body, a signature covers its exact bytes), no session, no cookies, no
 * CSRF, no auth.
 */
function isMachineRoute(ctx: HttpContext) {
  return ctx.route?.pattern.startsWith('/webhooks/') ?? false
}

/**
 * The JSON API (`/api/`, docs/api.md): authorized by a bearer token, never
 * by a cookie. It skips what serves a browser's session — the session
 * itself, shield's CSRF (which would also store a CSRF secret in a new
 * session for every cookieless call) and the pages' signed-in user — but
 * keeps the body parser, the NUL guard and auth.
 */
function isApiRoute(ctx: HttpContext) {
  return ctx.route?.pattern.startsWith('/api/') ?? false
}

/**
 * A router middleware that runs `load`'s middleware on every route except
 * the machine routes. Each stays a middleware of its own in the router's
 * chain, so errors are turned into responses where they always were (a
 * CSRF failure still flashes its message through the session).
 */
export function pageOnly(load: () => MiddlewareModule) {
  return skippedOn(isMachineRoute, load)
}

/**
 * Like `pageOnly`, and skipped on the JSON API too: for the session and
 * what needs it.
 */
export function browserOnly(load: () => MiddlewareModule) {
  return skippedOn((ctx) => isMachineRoute(ctx) || isApiRoute(ctx), load)
}

function skippedOn(skip: (ctx: HttpContext) => boolean, load: () => MiddlewareModule) {
  return async () => ({
    default: class PageOnlyMiddleware {
      async handle(ctx: HttpContext, next: NextFn) {
        if (skip(ctx)) return next()
        const { default: Wrapped } = await load()
        const middleware = await ctx.containerResolver.make(Wrapped)
        return middleware.handle(ctx, next)
      }
    },
  })
}
