import { toWireConduit, toWireShard } from './conduit_store.js'
import { SHARD_STATUSES } from './conduit_store.js'
import type { ShardUpdate } from './eventsub_broker.js'
import { helixEndpoint } from './helix_gate.js'
import type { HelixCaller } from './helix_gate.js'
import { emptyReply, helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** Conduits belong to the application: only an app access token sees or changes them. */
function appOnly(caller: HelixCaller): Reply | null {
  return caller.token.userId === null
    ? null
    : helixError(401, 'The Authorization header must contain an app access token')
}

function readShardCount(body: Record<string, unknown>): number | null {
  const count = body.shard_count
  return typeof count === 'number' ? count : null
}

function getConduits(caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const conduits = state.eventsub.conduits.forClient(caller.token.clientId)
  return jsonReply(200, { data: conduits.map(toWireConduit) })
}

function createConduit(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const shardCount = readShardCount(ctx.jsonObject())
  if (shardCount === null) return helixError(400, 'Missing required parameter "shard_count"')
  const outcome = state.eventsub.createConduit(caller.token.clientId, shardCount)
  if (!outcome.ok) return helixError(outcome.status, outcome.message)
  return jsonReply(200, { data: [toWireConduit(outcome.value)] })
}

function updateConduit(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const body = ctx.jsonObject()
  const shardCount = readShardCount(body)
  if (typeof body.id !== 'string' || shardCount === null) {
    return helixError(400, 'Missing required parameter "id" or "shard_count"')
  }
  const outcome = state.eventsub.updateConduit(caller.token.clientId, body.id, shardCount)
  if (!outcome.ok) return helixError(outcome.status, outcome.message)
  return jsonReply(200, { data: [toWireConduit(outcome.value)] })
}

function deleteConduit(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const id = ctx.query.get('id')
  if (!id) return helixError(400, 'Missing required parameter "id"')
  if (!state.eventsub.deleteConduit(caller.token.clientId, id)) {
    return helixError(404, 'conduit not found')
  }
  return emptyReply(204)
}

function getShards(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const conduitId = ctx.query.get('conduit_id')
  if (!conduitId) return helixError(400, 'Missing required parameter "conduit_id"')
  const conduit = state.eventsub.conduits.get(caller.token.clientId, conduitId)
  if (!conduit) return helixError(404, 'conduit not found')
  const status = ctx.query.get('status')
  if (status !== null && !(SHARD_STATUSES as readonly string[]).includes(status)) {
    return helixError(400, `Unknown shard status: ${status}`)
  }
  const shards = conduit.shards.filter((shard) => status === null || shard.status === status)
  return jsonReply(200, { data: shards.map(toWireShard), pagination: {} })
}

/**
 * PATCH /helix/eventsub/conduits/shards: 202 with the shards updated and an
 * error per shard that could not be (partial success is normal). The
 * emulator's shards are WebSocket sessions.
 */
function updateShards(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const refused = appOnly(caller)
  if (refused) return refused
  const body = ctx.jsonObject()
  if (typeof body.conduit_id !== 'string' || !Array.isArray(body.shards)) {
    return helixError(400, 'Missing required parameter "conduit_id" or "shards"')
  }
  const updates: ShardUpdate[] = []
  const refusals: { id: string; message: string; code: string }[] = []
  for (const entry of body.shards as unknown[]) {
    const shard = (entry ?? {}) as { id?: unknown; transport?: Record<string, unknown> }
    const id = typeof shard.id === 'string' ? shard.id : String(shard.id ?? '')
    const transport = shard.transport ?? {}
    if (transport.method !== 'websocket' || typeof transport.session_id !== 'string') {
      refusals.push({
        id,
        message: 'the emulator takes WebSocket shards only: {method: "websocket", session_id}',
        code: 'invalid_parameter',
      })
    } else {
      updates.push({ id, sessionId: transport.session_id })
    }
  }
  const outcome = state.eventsub.updateShards(caller.token.clientId, body.conduit_id, updates)
  if (!outcome.ok) return helixError(outcome.status, outcome.message)
  return jsonReply(202, {
    data: outcome.value.updated.map(toWireShard),
    errors: [...outcome.value.errors, ...refusals],
  })
}

/** The Conduits API under /helix/eventsub/conduits. */
export function registerHelixConduitRoutes(router: Router, state: EmulatorState): void {
  const path = '/helix/eventsub/conduits'
  router
    .add(
      'GET',
      path,
      helixEndpoint(state, 'conduits.get', (_ctx, caller) => getConduits(caller, state))
    )
    .add(
      'POST',
      path,
      helixEndpoint(state, 'conduits.create', (ctx, caller) => createConduit(ctx, caller, state))
    )
    .add(
      'PATCH',
      path,
      helixEndpoint(state, 'conduits.update', (ctx, caller) => updateConduit(ctx, caller, state))
    )
    .add(
      'DELETE',
      path,
      helixEndpoint(state, 'conduits.delete', (ctx, caller) => deleteConduit(ctx, caller, state))
    )
    .add(
      'GET',
      `${path}/shards`,
      helixEndpoint(state, 'conduits.shards.get', (ctx, caller) => getShards(ctx, caller, state))
    )
    .add(
      'PATCH',
      `${path}/shards`,
      helixEndpoint(state, 'conduits.shards.update', (ctx, caller) =>
        updateShards(ctx, caller, state)
      )
    )
}
