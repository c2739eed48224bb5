/*
|--------------------------------------------------------------------------
| Rate limits of the JSON API
|--------------------------------------------------------------------------
|
| Named throttles of start/routes/api.ts, per token. Counters live in the
| store of config/limiter.ts (Redis: a limit holds across every web
| instance); the numbers in config/api.ts (docs/api.md).
*/
import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { ApiSettings } from '#services/api/api_settings'

/**
 * The JSON API, per token (not per address: a GM's macros may share one),
 * every route together (docs/api.md). Runs after the token was checked.
 */
export const apiThrottle = limiter.define('api', (ctx) => perToken(ctx, 'requestsPerMinute'))

/** Poll launches through the JSON API, per token, on top of `apiThrottle`. */
export const apiLaunchThrottle = limiter.define('api_launch', (ctx) =>
  perToken(ctx, 'launchesPerMinute')
)

async function perToken(ctx: HttpContext, limit: keyof ApiSettings) {
  const settings = await ctx.containerResolver.make(ApiSettings)
  const user = ctx.auth.use('api').getUserOrFail()
  return limiter
    .allowRequests(settings[limit])
    .every('1 minute')
    .usingKey(`token_${user.currentAccessToken.identifier}`)
}
