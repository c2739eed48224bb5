import type { HelixCaller } from './helix_gate.js'
import { decodeCursor, encodeCursor } from './helix_cursor.js'
import { MAX_TOTAL_COST } from './eventsub_broker.js'
import { readSubscriptionDraft } from './eventsub_request.js'
import { toWireSubscription } from './eventsub_serializers.js'
import { conditionUserIds } from './eventsub_catalog.js'
import { isSubscriptionStatus } from './eventsub_types.js'
import type { SubscriptionRecord } from './eventsub_types.js'
import { emptyReply, helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'

const FILTERS = ['status', 'type', 'user_id', 'subscription_id'] as const

/** Webhook subscriptions belong to the app: only an app access token sees or makes them. */
function isAppToken(caller: HelixCaller): boolean {
  return caller.token.userId === null
}

function totals(state: EmulatorState, clientId: string) {
  return {
    total: state.eventsub.subscriptions.forClient(clientId).length,
    total_cost: state.eventsub.subscriptions.totalCost(clientId),
    max_total_cost: MAX_TOTAL_COST,
  }
}

/** POST /helix/eventsub/subscriptions: 202 with the subscription, pending its challenge. */
export function createSubscription(
  ctx: RequestContext,
  caller: HelixCaller,
  state: EmulatorState
): Reply {
  if (!isAppToken(caller)) {
    return helixError(
      401,
      'The Authorization header must contain an app access token for webhook subscriptions'
    )
  }
  const read = readSubscriptionDraft(ctx.jsonObject())
  if (!read.ok) {
    return helixError(400, read.message)
  }
  const clientId = caller.token.clientId
  const outcome = state.eventsub.create(clientId, read.draft)
  if (!outcome.ok) {
    return helixError(outcome.status, outcome.message)
  }
  return jsonReply(202, {
    data: [toWireSubscription(outcome.subscription)],
    ...totals(state, clientId),
  })
}

function filterFor(
  name: (typeof FILTERS)[number],
  value: string
): ((record: SubscriptionRecord) => boolean) | string {
  switch (name) {
    case 'status':
      return isSubscriptionStatus(value)
        ? (record) => record.status === value
        : `Unknown subscription status: ${value}`
    case 'type':
      return (record) => record.type === value
    case 'user_id':
      return (record) => conditionUserIds(record.condition).includes(value)
    case 'subscription_id':
      return (record) => record.id === value
  }
}

/**
 * GET /helix/eventsub/subscriptions: at most one of status, type, user_id,
 * subscription_id, and `after` to page. With a user token there are no
 * webhook subscriptions to see (Twitch lists only WebSocket ones then).
 */
export function listSubscriptions(
  ctx: RequestContext,
  caller: HelixCaller,
  state: EmulatorState
): Reply {
  const clientId = caller.token.clientId
  if (!isAppToken(caller)) {
    return jsonReply(200, {
      data: [],
      total: 0,
      total_cost: 0,
      max_total_cost: MAX_TOTAL_COST,
      pagination: {},
    })
  }
  const given = FILTERS.filter((name) => ctx.query.get(name) !== null)
  if (given.length > 1) {
    return helixError(400, `Only one of ${FILTERS.join(', ')} may be given`)
  }
  let records = state.eventsub.subscriptions.forClient(clientId)
  if (given.length === 1) {
    const filter = filterFor(given[0], ctx.query.get(given[0]) ?? '')
    if (typeof filter === 'string') {
      return helixError(400, filter)
    }
    records = records.filter(filter)
  }
  const after = ctx.query.get('after')
  // The cursor holds the creation sequence of the last item sent, so
  // deleting subscriptions between two pages skips nothing.
  const lastSent = after === null ? 0 : decodeCursor(after)
  if (lastSent === undefined) {
    return helixError(400, 'The parameter "after" is not a valid cursor')
  }
  const pageSize = state.settings.eventsubPageSize
  const remaining = records.filter((record) => record.sequence > lastSent)
  const page = remaining.slice(0, pageSize)
  const hasMore = remaining.length > pageSize
  return jsonReply(200, {
    data: page.map(toWireSubscription),
    ...totals(state, clientId),
    pagination: hasMore ? { cursor: encodeCursor(page[page.length - 1].sequence) } : {},
  })
}

/** DELETE /helix/eventsub/subscriptions?id=: 204, or 404 when this client has no such one. */
export function deleteSubscription(
  ctx: RequestContext,
  caller: HelixCaller,
  state: EmulatorState
): Reply {
  const id = ctx.query.get('id')
  if (!id) {
    return helixError(400, 'Missing required parameter "id"')
  }
  if (!isAppToken(caller) || !state.eventsub.delete(caller.token.clientId, id)) {
    return helixError(404, 'Subscription not found')
  }
  return emptyReply(204)
}
