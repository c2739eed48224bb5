import { registerControlRoutes } from './control_routes.js'
import { registerHelixRoutes } from './helix_routes.js'
import { registerOauthRoutes } from './oauth_routes.js'
import { jsonReply } from './replies.js'
import { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** Every route the emulator serves. */
export function buildRouter(state: EmulatorState): Router {
  const router = new Router()
  registerOauthRoutes(router, state)
  registerHelixRoutes(router, state)
  registerControlRoutes(router, state)
  router.add('GET', '/', () =>
    jsonReply(200, {
      name: 'Twitch emulator',
      oauth: '/oauth2',
      helix: '/helix',
      control: '/_emulator',
    })
  )
  return router
}
