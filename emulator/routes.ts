import { registerControlRoutes } from './control_routes.js'
import { registerDemoRoutes } from './demo_routes.js'
import { registerHelixRoutes } from './helix_routes.js'
import { registerOauthRoutes } from './oauth_routes.js'
import { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** Every route the emulator serves. */
export function buildRouter(state: EmulatorState): Router {
  const router = new Router()
  registerOauthRoutes(router, state)
  registerHelixRoutes(router, state)
  registerControlRoutes(router, state)
  registerDemoRoutes(router, state)
  return router
}
