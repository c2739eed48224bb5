import type { HttpContext } from '@adonisjs/core/http'
import { healthChecks } from '#start/health'

/**
 * `GET /health`: 200 `{"status":"ok","checks":{"database":"ok","redis":"ok"}}`
 * when every check passes, else 503 with `"status":"error"` and each failed
 * check marked `"error"`. Failure details go to the log, not to the public
 * answer.
 */
export default class HealthChecksController {
  async handle({ response, logger }: HttpContext) {
    const report = await healthChecks.run()
    const checks: Record<string, 'ok' | 'error'> = {}
    for (const check of report.checks) {
      checks[check.name] = check.status === 'error' ? 'error' : 'ok'
      if (check.status === 'error') {
        logger.debug({ check: check.name, reason: check.message }, '[Health] check failed')
      }
    }
    const healthy = Object.values(checks).every((status) => status === 'ok')
    response.header('Cache-Control', 'no-store')
    return response.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'error', checks })
  }
}
