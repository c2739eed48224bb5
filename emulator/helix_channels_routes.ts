import type { HelixCaller } from './helix_gate.js'
import { helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'
import type { EmulatorUser } from './types.js'

const MAX_LOOKUPS = 100

/**
 * GET /helix/channels: Get Channel Information for up to 100 repeated
 * `broadcaster_id`s (at least one), with any token. Unknown ids are left out.
 */
export function getChannels(
  ctx: RequestContext,
  _caller: HelixCaller,
  state: EmulatorState
): Reply {
  const ids = ctx.query.getAll('broadcaster_id').filter((id) => id.length > 0)
  if (ids.length === 0) {
    return helixError(400, 'Missing required parameter "broadcaster_id"')
  }
  if (ids.length > MAX_LOOKUPS) {
    return helixError(
      400,
      `The "broadcaster_id" parameter may not be repeated more than ${MAX_LOOKUPS} times`
    )
  }
  const found = [...new Set(ids)]
    .map((id) => state.users.get(id))
    .filter((user): user is EmulatorUser => user !== undefined)
  return jsonReply(200, { data: found.map(toHelixChannel) })
}

function toHelixChannel(user: EmulatorUser) {
  return {
    broadcaster_id: user.id,
    broadcaster_login: user.login,
    broadcaster_name: user.displayName,
    broadcaster_language: user.broadcasterLanguage,
    game_id: '509658',
    game_name: 'Just Chatting',
    title: `${user.displayName} plays a tabletop RPG`,
    delay: 0,
    tags: [],
    content_classification_labels: [],
    is_branded_content: false,
  }
}
