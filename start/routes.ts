/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| The contract's routes (SPEC §3, §8) keep their exact paths.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const TwitchAuthController = () => import('#controllers/twitch_auth_controller')
const DashboardController = () => import('#controllers/dashboard_controller')

router.on('/').render('pages/home').as('home').use(middleware.guest())

router
  .group(() => {
    router.get('/redirect', [TwitchAuthController, 'redirect']).as('redirect')
    router.get('/callback', [TwitchAuthController, 'callback']).as('callback')
  })
  .prefix('/auth/twitch')
  .as('auth.twitch')

router.post('/logout', [TwitchAuthController, 'logout']).as('logout').use(middleware.auth())

router
  .group(() => {
    router.get('/dashboard', [DashboardController, 'show']).as('dashboard')
  })
  .use(middleware.auth())
