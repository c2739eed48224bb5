import { SHARD_STATUSES, toWireConduit, toWireShard } from './conduit_store.js'
import type { ShardStatus } from './conduit_store.js'
import { bodyOf, control, ok } from './control_handler.js'
import { EmulatorInputError } from './emulator_error.js'
import { CLOSE_CODES, isCloseCode } from './eventsub_websocket.js'
import { jsonReply } from './replies.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

function requireSession(state: EmulatorState, id: string) {
  if (!state.eventsub.sockets.has(id)) {
    throw new EmulatorInputError(`No WebSocket session ${id}`, 404)
  }
}

/**
 * Control routes to watch and disturb conduits and their WebSocket sessions:
 * drop a session, ask it to reconnect, close it with a code, silence it,
 * disable a shard.
 */
export function registerControlConduitRoutes(router: Router, state: EmulatorState): void {
  const sockets = state.eventsub.sockets
  router
    .add('GET', '/_emulator/conduits', () =>
      jsonReply(200, {
        data: state.eventsub.conduits.all().map((conduit) => ({
          ...toWireConduit(conduit),
          clientId: conduit.clientId,
          shards: conduit.shards.map(toWireShard),
        })),
      })
    )
    .add('GET', '/_emulator/eventsub/sessions', () => jsonReply(200, { data: sockets.list() }))
    .add(
      'POST',
      '/_emulator/eventsub/sessions/:id/drop',
      control((ctx) => {
        requireSession(state, ctx.params.id)
        sockets.drop(ctx.params.id)
        return ok()
      })
    )
    .add(
      'POST',
      '/_emulator/eventsub/sessions/:id/reconnect',
      control((ctx) => {
        requireSession(state, ctx.params.id)
        sockets.requestReconnect(ctx.params.id)
        return ok()
      })
    )
    .add(
      'POST',
      '/_emulator/eventsub/sessions/:id/close',
      control((ctx) => {
        requireSession(state, ctx.params.id)
        const code = bodyOf(ctx).code
        if (!isCloseCode(code)) {
          throw new EmulatorInputError(
            `"code" must be one of ${Object.keys(CLOSE_CODES).join(', ')}`
          )
        }
        sockets.close(ctx.params.id, code)
        return ok()
      })
    )
    .add(
      'POST',
      '/_emulator/eventsub/sessions/:id/silence',
      control((ctx) => {
        requireSession(state, ctx.params.id)
        sockets.silence(ctx.params.id)
        return ok()
      })
    )
    .add(
      'POST',
      '/_emulator/conduits/:id/shards/:shardId/disable',
      control((ctx) => {
        const conduit = state.eventsub.conduits.all().find(({ id }) => id === ctx.params.id)
        const shard = conduit?.shards.find(({ id }) => id === ctx.params.shardId)
        if (!conduit || !shard) throw new EmulatorInputError('No such conduit or shard', 404)
        const status = bodyOf(ctx).status ?? 'websocket_disconnected'
        if (status === 'enabled' || !(SHARD_STATUSES as readonly unknown[]).includes(status)) {
          throw new EmulatorInputError('"status" must be a disabled shard status')
        }
        state.eventsub.disableShard(conduit, shard, status as ShardStatus)
        return ok({ shard: toWireShard(shard) })
      })
    )
}
