/*
|--------------------------------------------------------------------------
| Rate limits
|--------------------------------------------------------------------------
|
| One named throttle per limited action, used as route middleware in
| start/routes.ts. The numbers live in config/limiter.ts. A request over the
| limit answers 429 with Retry-After (app/exceptions/too_many_requests_exception.ts).
*/
import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { rateLimits } from '#config/limiter'

type Limit = (typeof rateLimits)[keyof typeof rateLimits]

/**
 * The signed-in user's id when there is one, else the client's IP.
 */
function requester(ctx: HttpContext) {
  const user = ctx.auth?.user
  return user ? `user:${user.id}` : `ip:${ctx.request.ip()}`
}

function allow(limit: Limit, ctx: HttpContext) {
  return limiter.allowRequests(limit.requests).every(limit.every).usingKey(requester(ctx))
}

export const signInThrottle = limiter.define('sign_in', (ctx) =>
  limiter
    .allowRequests(rateLimits.signIn.requests)
    .every(rateLimits.signIn.every)
    .usingKey(`ip:${ctx.request.ip()}`)
)

export const invitationThrottle = limiter.define('invitations', (ctx) =>
  allow(rateLimits.invitations, ctx)
)

export const readinessCheckThrottle = limiter.define('readiness_checks', (ctx) =>
  allow(rateLimits.readinessChecks, ctx)
)

export const pollLaunchThrottle = limiter.define('poll_launches', (ctx) =>
  allow(rateLimits.pollLaunches, ctx)
)
