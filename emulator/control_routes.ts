import {
  readBoolean,
  readFault,
  readNumber,
  readOptionalString,
  readOptionalStringArray,
} from './control_input.js'
import { bodyOf, control, ok } from './control_handler.js'
import { registerControlChatRoutes } from './control_chat_routes.js'
import { registerControlConduitRoutes } from './control_conduit_routes.js'
import { registerControlEventSubRoutes } from './control_eventsub_routes.js'
import { EmulatorInputError } from './emulator_error.js'
import { isBroadcasterType } from './user_directory.js'
import { helixError, jsonReply } from './replies.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/**
 * The emulator's own API for tests and the demo, under /_emulator. JSON in,
 * JSON out, camelCase. Every operation is also a method of EmulatorState.
 */
export function registerControlRoutes(router: Router, state: EmulatorState): void {
  router
    .add('GET', '/_emulator/users', () => jsonReply(200, { data: state.users.list() }))
    .add(
      'POST',
      '/_emulator/users',
      control((ctx) => {
        const body = bodyOf(ctx)
        const broadcasterType = body.broadcasterType
        if (broadcasterType !== undefined && !isBroadcasterType(broadcasterType)) {
          throw new EmulatorInputError("broadcasterType must be '', 'affiliate' or 'partner'")
        }
        const user = state.createUser({
          login: readOptionalString(body, 'login') ?? '',
          displayName: readOptionalString(body, 'displayName'),
          email: readOptionalString(body, 'email'),
          broadcasterType,
          broadcasterLanguage: readOptionalString(body, 'broadcasterLanguage'),
        })
        return jsonReply(201, { data: user })
      })
    )
    .add(
      'POST',
      '/_emulator/users/:id/tokens',
      control((ctx) => {
        const body = bodyOf(ctx)
        const tokens = state.issueTokens(
          ctx.params.id,
          readOptionalStringArray(body, 'scopes'),
          readOptionalString(body, 'clientId')
        )
        return jsonReply(201, tokens)
      })
    )
    .add(
      'POST',
      '/_emulator/users/:id/disconnect',
      control((ctx) =>
        ok({ ...state.disconnectUser(ctx.params.id, readOptionalString(bodyOf(ctx), 'clientId')) })
      )
    )
    .add(
      'POST',
      '/_emulator/users/:id/revoke-refresh',
      control((ctx) => ok({ revoked: state.revokeRefresh(ctx.params.id) }))
    )
    .add(
      'POST',
      '/_emulator/users/:id/invalidate-access',
      control((ctx) => ok({ invalidated: state.invalidateAccess(ctx.params.id) }))
    )
    .add(
      'POST',
      '/_emulator/users/:id/fail-refresh',
      control((ctx) => {
        state.failRefresh(ctx.params.id, readFault(bodyOf(ctx)))
        return ok({ fault: state.refreshFaults.peek(ctx.params.id) ?? null })
      })
    )
    .add(
      'POST',
      '/_emulator/users/:id/fail-helix',
      control((ctx) => {
        state.failHelix(ctx.params.id, readFault(bodyOf(ctx)))
        return ok({ fault: state.helixFaults.peek(ctx.params.id) ?? null })
      })
    )
    .add(
      'POST',
      '/_emulator/users/:id/fail-chat-sends',
      control((ctx) => {
        state.failChatSends(ctx.params.id, readFault(bodyOf(ctx)))
        return ok({ fault: state.chatSendFaults.peek(ctx.params.id) ?? null })
      })
    )
    .add(
      'POST',
      '/_emulator/users/:id/latency',
      control((ctx) => {
        const body = bodyOf(ctx)
        state.setUserLatency(ctx.params.id, body.ms === null ? null : readNumber(body, 'ms'))
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/latency',
      control((ctx) => {
        state.setLatency(readNumber(bodyOf(ctx), 'ms'))
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/lifetime',
      control((ctx) => {
        state.setLifetime(readNumber(bodyOf(ctx), 'seconds'))
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/omit-expires-in',
      control((ctx) => {
        state.omitExpiresInOnRefresh(readBoolean(bodyOf(ctx), 'enabled'))
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/ratelimit',
      control((ctx) => {
        state.setRateLimit(readNumber(bodyOf(ctx), 'limit'))
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/automod',
      control((ctx) => {
        const words = readOptionalStringArray(bodyOf(ctx), 'words')
        if (words === undefined) {
          throw new EmulatorInputError('"words" must be an array of strings')
        }
        state.setAutomodWords(words)
        return ok({ settings: state.settings })
      })
    )
    .add(
      'POST',
      '/_emulator/auto-votes',
      control((ctx) => {
        state.setAutoVotes(readBoolean(bodyOf(ctx), 'enabled'))
        return ok({ settings: state.settings })
      })
    )
    .add('GET', '/_emulator/settings', () => jsonReply(200, state.settings))
    .add(
      'POST',
      '/_emulator/app-token',
      control((ctx) =>
        jsonReply(201, state.issueAppToken(readOptionalString(bodyOf(ctx), 'clientId')))
      )
    )
    .add(
      'POST',
      '/_emulator/app-token/invalidate',
      control((ctx) =>
        ok({
          invalidated: state.invalidateAppTokens(readOptionalString(bodyOf(ctx), 'clientId')),
        })
      )
    )
    .add(
      'GET',
      '/_emulator/polls/:id',
      control((ctx) => {
        const poll = state.getPoll(ctx.params.id)
        return poll ? jsonReply(200, { data: poll }) : helixError(404, 'Poll not found')
      })
    )
    .add(
      'POST',
      '/_emulator/polls/:id/votes',
      control((ctx) => {
        const body = bodyOf(ctx)
        const poll = state.castVotes(
          ctx.params.id,
          readNumber(body, 'choiceIndex'),
          readNumber(body, 'count')
        )
        return jsonReply(200, { data: poll })
      })
    )
    .add('GET', '/_emulator/stats', () => jsonReply(200, state.stats()))
    .add('POST', '/_emulator/stats/reset', () => {
      state.resetStats()
      return ok()
    })
    .add('POST', '/_emulator/reset', () => {
      state.reset()
      return ok()
    })
    .add('POST', '/_emulator/tick', () => {
      state.tick()
      return ok()
    })
  registerControlEventSubRoutes(router, state)
  registerControlConduitRoutes(router, state)
  registerControlChatRoutes(router, state)
}
