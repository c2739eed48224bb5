import type { HttpRequest } from '@adonisjs/core/http'

/** Where the JSON API lives (docs/api.md). */
export const API_PREFIX = '/api/v1'

/**
 * A request to the JSON API (any version): it is answered in JSON only —
 * errors included, never an HTML page or a redirect — and carries no
 * session, so no CSRF either (docs/api.md).
 */
export function isApiRequest(request: HttpRequest) {
  const path = request.url()
  return path === '/api' || path.startsWith('/api/')
}
