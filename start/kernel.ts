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

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  () => import('#middleware/container_bindings_middleware'),
  () => import('@adonisjs/static/static_middleware'),
])

// Body parser, session, shield (CSRF), auth and the signed-in user, for
// every route but those only machines call (Twitch's webhook): see the
// middleware for the list and the reason.
router.use([() => import('#middleware/page_stack_middleware')])

export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
})
