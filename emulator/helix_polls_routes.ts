import { failsAutomod } from './automod.js'
import { missingScope } from './helix_gate.js'
import type { HelixCaller } from './helix_gate.js'
import { decodeCursor, encodeCursor } from './helix_cursor.js'
import { readPollDraft } from './poll_validation.js'
import { helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'

const MANAGE = 'channel:manage:polls'
const READ = 'channel:read:polls'
const MAX_IDS = 20
const MAX_PAGE = 20

/** `broadcaster_id` must be present and be the token's own user, for every polls call. */
function checkBroadcaster(value: unknown, caller: HelixCaller): Reply | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return helixError(400, 'Missing required parameter "broadcaster_id"')
  }
  if (value !== caller.token.userId) {
    return helixError(403, 'The broadcaster_id must match the user ID in the OAuth token')
  }
  return undefined
}

/** GET /helix/polls?broadcaster_id&id…&first&after: the channel's polls, newest first. */
export function getPolls(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const scopeProblem = missingScope(caller, [READ, MANAGE])
  if (scopeProblem) {
    return scopeProblem
  }
  const broadcasterId = ctx.query.get('broadcaster_id')
  const broadcasterProblem = checkBroadcaster(broadcasterId, caller)
  if (broadcasterProblem) {
    return broadcasterProblem
  }
  const ids = ctx.query.getAll('id').filter((id) => id.length > 0)
  if (ids.length > MAX_IDS) {
    return helixError(400, `The "id" parameter may be repeated at most ${MAX_IDS} times`)
  }
  const firstParam = ctx.query.get('first')
  const first = firstParam === null ? MAX_PAGE : Number(firstParam)
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    return helixError(400, `The parameter "first" must be an integer from 1 to ${MAX_PAGE}`)
  }
  const after = ctx.query.get('after')
  const offset = after === null ? 0 : decodeCursor(after)
  if (offset === undefined) {
    return helixError(400, 'The parameter "after" is not a valid cursor')
  }

  const polls = state.listPolls(broadcasterId as string)
  const wanted = ids.length > 0 ? polls.filter((poll) => ids.includes(poll.id)) : polls
  const page = wanted.slice(offset, offset + first)
  const hasMore = offset + first < wanted.length
  return jsonReply(200, {
    data: page,
    pagination: hasMore ? { cursor: encodeCursor(offset + first) } : {},
  })
}

/** POST /helix/polls: Twitch's checks in order, then a new ACTIVE poll. */
export function createPoll(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const scopeProblem = missingScope(caller, [MANAGE])
  if (scopeProblem) {
    return scopeProblem
  }
  const body = ctx.jsonObject()
  const broadcasterProblem = checkBroadcaster(body.broadcaster_id, caller)
  if (broadcasterProblem) {
    return broadcasterProblem
  }
  const broadcaster = caller.user
  if (!broadcaster || broadcaster.broadcasterType === '') {
    return helixError(403, 'The broadcaster is not a partner or affiliate')
  }
  const read = readPollDraft(body)
  if (!read.ok) {
    return helixError(400, read.message)
  }
  const { draft } = read
  if (state.polls.activeFor(broadcaster.id)) {
    return helixError(
      400,
      'The broadcaster already has an active poll; end it before creating another'
    )
  }
  if (failsAutomod(draft.title, state.automodWords)) {
    return helixError(400, 'The poll title failed automod check')
  }
  if (draft.choiceTitles.some((title) => failsAutomod(title, state.automodWords))) {
    return helixError(400, 'A choice title failed automod check')
  }
  const poll = state.polls.create(broadcaster.id, draft)
  return jsonReply(200, { data: [state.getPoll(poll.id)] })
}

/** PATCH /helix/polls {broadcaster_id, id, status}: ends an ACTIVE poll early. */
export function endPoll(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const scopeProblem = missingScope(caller, [MANAGE])
  if (scopeProblem) {
    return scopeProblem
  }
  const body = ctx.jsonObject()
  const broadcasterProblem = checkBroadcaster(body.broadcaster_id, caller)
  if (broadcasterProblem) {
    return broadcasterProblem
  }
  const { id, status } = body
  if (typeof id !== 'string' || id.length === 0) {
    return helixError(400, 'Missing required parameter "id"')
  }
  if (status !== 'TERMINATED' && status !== 'ARCHIVED') {
    return helixError(400, 'The parameter "status" must be TERMINATED or ARCHIVED')
  }
  const poll = state.polls.get(id)
  if (!poll || poll.broadcasterId !== caller.token.userId) {
    return helixError(404, 'Poll not found')
  }
  if (poll.status !== 'ACTIVE') {
    return helixError(400, `The poll is not active (its status is ${poll.status})`)
  }
  state.polls.end(poll, status)
  return jsonReply(200, { data: [state.getPoll(poll.id)] })
}
