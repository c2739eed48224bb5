import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { OVERLAY_CHANNEL_PREFIX } from '#services/overlays/overlay_channel_name'

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
 * An overlay's live subscription (`POST /__transmit/subscribe|unsubscribe`
 * for an `overlays/…` channel): the overlay key in its header is the only
 * credential, no cookie grants it anything, so it needs no CSRF token — and
 * the overlay page, which keeps no session, has none (docs/overlay.md).
 */
export function isOverlaySubscription(ctx: HttpContext) {
  const pattern = ctx.route?.pattern
  if (pattern !== '/__transmit/subscribe' && pattern !== '/__transmit/unsubscribe') return false
  const channel: unknown = ctx.request.input('channel')
  return typeof channel === 'string' && channel.startsWith(OVERLAY_CHANNEL_PREFIX)
}

/**
 * Transmit's event stream (`GET /__transmit/events`): held open for hours by
 * every GM page and OBS overlay, it needs nobody signed in (subscriptions,
 * which do, are requests of their own). Whatever the page middleware attach
 * to a request stays in memory as long as the stream (docs/overlay.md,
 * "Memory"), so it skips auth. It keeps the session and shield: after a
 * restart its answer is what renews a page's CSRF cookie before the page
 * subscribes again.
 */
function isEventStream(ctx: HttpContext) {
  return ctx.route?.pattern === '/__transmit/events'
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

/**
 * Like `browserOnly`, and skipped on event streams too: for the pages'
 * signed-in user.
 */
export function browserPagesOnly(load: () => MiddlewareModule) {
  return skippedOn((ctx) => isMachineRoute(ctx) || isApiRoute(ctx) || isEventStream(ctx), load)
}

/**
 * Like `pageOnly`, and skipped on event streams too: for auth, which the
 * JSON API needs and a stream does not.
 */
export function exceptStreams(load: () => MiddlewareModule) {
  return skippedOn((ctx) => isMachineRoute(ctx) || isEventStream(ctx), load)
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
