import { EmulatorInputError } from './emulator_error.js'
import { helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import { MalformedBodyError } from './request_context.js'
import type { RequestContext } from './request_context.js'
import type { Handler } from './router.js'

/** Shared by the control routes (/_emulator): body reading, error mapping, the usual answer. */

/** A control body may be absent (`{}`), but when present it must be a JSON object. */
export function bodyOf(ctx: RequestContext): Record<string, unknown> {
  return ctx.rawBody.trim().length === 0 ? {} : ctx.jsonObject()
}

/** Control handlers throw EmulatorInputError / MalformedBodyError; both become JSON errors. */
export function control(action: (ctx: RequestContext) => Reply): Handler {
  return (ctx) => {
    try {
      return action(ctx)
    } catch (error) {
      if (error instanceof EmulatorInputError) {
        return helixError(error.status, error.message)
      }
      if (error instanceof MalformedBodyError) {
        return helixError(400, error.message)
      }
      throw error
    }
  }
}

export const ok = (extra: Record<string, unknown> = {}) => jsonReply(200, { ok: true, ...extra })
