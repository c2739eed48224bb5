import type { HelixCaller } from './helix_gate.js'
import { toHelixUser } from './helix_serializers.js'
import { helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'
import type { EmulatorUser } from './types.js'

const MAX_LOOKUPS = 100

/**
 * GET /helix/users: `id` and `login` may each be repeated (100 in total);
 * with neither, the token's own user. App tokens must name someone.
 */
export function getUsers(ctx: RequestContext, caller: HelixCaller, state: EmulatorState): Reply {
  const ids = ctx.query.getAll('id').filter((id) => id.length > 0)
  const logins = ctx.query.getAll('login').filter((login) => login.length > 0)
  if (ids.length + logins.length > MAX_LOOKUPS) {
    return helixError(
      400,
      `The sum of the "id" and "login" parameters may not exceed ${MAX_LOOKUPS}`
    )
  }

  let found: EmulatorUser[]
  if (ids.length === 0 && logins.length === 0) {
    if (!caller.user) {
      return helixError(400, 'Must provide an ID, Login or OAuth Token')
    }
    found = [caller.user]
  } else {
    const byId = ids.map((id) => state.users.get(id))
    const byLogin = logins.map((login) => state.users.findByLogin(login))
    const unique = new Map<string, EmulatorUser>()
    for (const user of [...byId, ...byLogin]) {
      if (user) {
        unique.set(user.id, user)
      }
    }
    found = [...unique.values()]
  }

  const mayReadEmail = caller.token.scopes.includes('user:read:email')
  return jsonReply(200, {
    data: found.map((user) => toHelixUser(user, mayReadEmail && user.id === caller.token.userId)),
  })
}
