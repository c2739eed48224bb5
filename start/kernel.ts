/*
|--------------------------------------------------------------------------
| HTTP kernel
|--------------------------------------------------------------------------
|
| Server middleware run on every request (even without a route); router
| middleware run on matched routes; named middleware are applied per route.
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'
import { browserOnly, browserPagesOnly, exceptStreams, pageOnly } from '#middleware/machine_routes'

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  () => import('#middleware/container_bindings_middleware'),
  // Referrer-Policy and Permissions-Policy on every answer (config/shield.ts)
  () => import('#middleware/page_headers_middleware'),
  // GET /health, answered before sessions and CSRF (docs/operations.md)
  () => import('#middleware/health_endpoint_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  // Answers the JSON API's cross-origin preflights, even without a route (config/cors.ts)
  () => import('@adonisjs/cors/cors_middleware'),
])

// Body parser, session, shield (CSRF), auth and the signed-in user, for
// every route but those only machines call (Twitch's webhook, under
// /webhooks/: see app/middleware/machine_routes.ts). The JSON API (/api/,
// bearer tokens) skips the session, shield and the pages' signed-in user;
// Transmit's event stream skips auth and the signed-in user.
router.use([
  () => import('#middleware/service_availability_middleware'),
  pageOnly(() => import('@adonisjs/core/bodyparser_middleware')),
  pageOnly(() => import('#middleware/nul_input_guard_middleware')),
  browserOnly(() => import('@adonisjs/session/session_middleware')),
  // A visitor with nothing in the session gets no session stored (docs/operations.md)
  browserOnly(() => import('#middleware/visitor_session_middleware')),
  browserOnly(() => import('@adonisjs/shield/shield_middleware')),
  exceptStreams(() => import('@adonisjs/auth/initialize_auth_middleware')),
  browserPagesOnly(() => import('#middleware/silent_auth_middleware')),
  // The reader's interface language: saved on the account, else Accept-Language (docs/languages.md)
  browserOnly(() => import('#middleware/detect_user_locale_middleware')),
])

export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  // The JSON API: bearer tokens only (docs/api.md)
  apiAuth: () => import('#middleware/api_auth_middleware'),
  // Transmit's routes: a stream id and a known channel name (start/transmit.ts)
  liveRequestGuard: () => import('#middleware/live_request_guard_middleware'),
})
