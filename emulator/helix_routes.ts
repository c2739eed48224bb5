import { helixEndpoint } from './helix_gate.js'
import { createPoll, endPoll, getPolls } from './helix_polls_routes.js'
import { getUsers } from './helix_users_routes.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** The Helix subset Chorus uses, mounted under /helix. */
export function registerHelixRoutes(router: Router, state: EmulatorState): void {
  router
    .add(
      'GET',
      '/helix/users',
      helixEndpoint(state, 'users', (ctx, caller) => getUsers(ctx, caller, state))
    )
    .add(
      'GET',
      '/helix/polls',
      helixEndpoint(state, 'polls.get', (ctx, caller) => getPolls(ctx, caller, state))
    )
    .add(
      'POST',
      '/helix/polls',
      helixEndpoint(state, 'polls.create', (ctx, caller) => createPoll(ctx, caller, state))
    )
    .add(
      'PATCH',
      '/helix/polls',
      helixEndpoint(state, 'polls.update', (ctx, caller) => endPoll(ctx, caller, state))
    )
}
