import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { healthChecks } from '#start/health'

/**
 * `GET /health`: 200 `{"status":"ok","checks":{"database":"ok","redis":"ok"}}`
 * when every check passes, else 503 with `"status":"error"` and each failed
 * check marked `"error"` (the reasons go to the log at debug level, not to
 * the public answer).
 *
 * Answered here, before the router's middleware, because those need what is
 * being checked: the session (stored in Redis) and CSRF (kept in the
 * session) would turn "Redis is down" into an error page instead of a report.
 */
export default class HealthEndpointMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (ctx.request.url() !== '/health' || !['GET', 'HEAD'].includes(ctx.request.method())) {
      return next()
    }
    const report = await healthChecks.run()
    const checks: Record<string, 'ok' | 'error'> = {}
    for (const check of report.checks) {
      checks[check.name] = check.status === 'error' ? 'error' : 'ok'
      if (check.status === 'error') {
        ctx.logger.debug({ check: check.name, reason: check.message }, '[Health] check failed')
      }
    }
    const healthy = Object.values(checks).every((status) => status === 'ok')
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'error', checks })
  }
}
