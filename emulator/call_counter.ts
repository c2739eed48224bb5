import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { StatKey } from './stats_recorder.js'
import type { EmulatorState } from './state.js'

function isFailure(reply: Reply): boolean {
  if (reply.kind === 'hang') {
    return true
  }
  return reply.kind !== 'redirect' && reply.status >= 400
}

/**
 * Records one call of kind `key` once its reply is known, tied to the user the
 * route identified (ctx.userId), and counts it as a failure when it failed.
 */
export function countCall(
  state: EmulatorState,
  key: StatKey,
  ctx: RequestContext,
  reply: Reply
): Reply {
  state.statsRecorder.record(key, ctx.userId)
  if (isFailure(reply)) {
    state.statsRecorder.recordFailure(key)
  }
  return reply
}
