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

/** The web-push API of public/js/push.js: JSON in and out, errors included. */
const PUSH_API_PREFIX = '/push/'

/**
 * Answered in JSON only, errors included: the JSON API and the push API
 * (the push API has a session, and CSRF like any session request).
 */
export function answersJsonOnly(request: HttpRequest) {
  return isApiRequest(request) || request.url().startsWith(PUSH_API_PREFIX)
}
