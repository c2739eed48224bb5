import { sendChatMessage } from './helix_chat_routes.js'
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
} from './helix_eventsub_routes.js'
import { registerHelixConduitRoutes } from './helix_conduit_routes.js'
import { helixEndpoint } from './helix_gate.js'
import { createPoll, endPoll, getPolls } from './helix_polls_routes.js'
import { getUsers } from './helix_users_routes.js'
import { getChannels } from './helix_channels_routes.js'
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
      '/helix/channels',
      helixEndpoint(state, 'channels', (ctx, caller) => getChannels(ctx, caller, state))
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
    .add(
      'POST',
      '/helix/eventsub/subscriptions',
      helixEndpoint(state, 'eventsub.create', (ctx, caller) =>
        createSubscription(ctx, caller, state)
      )
    )
    .add(
      'GET',
      '/helix/eventsub/subscriptions',
      helixEndpoint(state, 'eventsub.list', (ctx, caller) => listSubscriptions(ctx, caller, state))
    )
    .add(
      'DELETE',
      '/helix/eventsub/subscriptions',
      helixEndpoint(state, 'eventsub.delete', (ctx, caller) =>
        deleteSubscription(ctx, caller, state)
      )
    )
    .add(
      'POST',
      '/helix/chat/messages',
      helixEndpoint(state, 'chat.send', (ctx, caller) => sendChatMessage(ctx, caller, state))
    )
  registerHelixConduitRoutes(router, state)
}
