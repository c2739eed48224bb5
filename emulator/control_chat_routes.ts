import { bodyOf, control, ok } from './control_handler.js'
import {
  readBoolean,
  readNumber,
  readOptionalString,
  readOptionalStringArray,
  readQueryLimit,
} from './control_input.js'
import { EmulatorInputError } from './emulator_error.js'
import { jsonReply } from './replies.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** Control routes for chat: read a channel's chat, speak as a viewer, steer the auto-chatters. */
export function registerControlChatRoutes(router: Router, state: EmulatorState): void {
  router
    .add(
      'GET',
      '/_emulator/chat/:broadcasterId',
      control((ctx) =>
        jsonReply(200, {
          data: state.chatLog(ctx.params.broadcasterId, readQueryLimit(ctx.query, 'limit')),
        })
      )
    )
    .add(
      'POST',
      '/_emulator/chat/:broadcasterId/messages',
      control((ctx) => {
        const body = bodyOf(ctx)
        const text = readOptionalString(body, 'text')
        if (text === undefined) {
          throw new EmulatorInputError('"text" is required')
        }
        const posted = state.postViewerMessage({
          broadcasterId: ctx.params.broadcasterId,
          chatterLogin: readOptionalString(body, 'chatterLogin'),
          chatterId: readOptionalString(body, 'chatterId'),
          text,
          sourceBroadcasterId: readOptionalString(body, 'sourceBroadcasterId'),
        })
        return jsonReply(201, { data: posted })
      })
    )
    .add(
      'POST',
      '/_emulator/chat/:broadcasterId/chat-vote',
      control((ctx) => {
        const body = bodyOf(ctx)
        const window = state.openChatVote(
          ctx.params.broadcasterId,
          readNumber(body, 'choices'),
          readNumber(body, 'seconds')
        )
        return ok({
          choices: window.choices,
          closesAt: new Date(window.closesAt).toISOString(),
        })
      })
    )
    .add(
      'POST',
      '/_emulator/chat/:broadcasterId/chat-vote/close',
      control((ctx) => ok({ closed: state.closeChatVote(ctx.params.broadcasterId) }))
    )
    .add(
      'POST',
      '/_emulator/auto-chat',
      control((ctx) => {
        state.setAutoChat(readBoolean(bodyOf(ctx), 'enabled'))
        return ok({ settings: state.settings })
      })
    )
    .add('GET', '/_emulator/shared-chat', () =>
      jsonReply(200, { data: state.chat.sessions.list() })
    )
    .add(
      'POST',
      '/_emulator/shared-chat',
      control((ctx) => {
        const ids = readOptionalStringArray(bodyOf(ctx), 'broadcasterIds')
        if (ids === undefined) {
          throw new EmulatorInputError('"broadcasterIds" must be an array of user ids')
        }
        return jsonReply(201, { data: state.startSharedChat(ids) })
      })
    )
    .add(
      'POST',
      '/_emulator/shared-chat/end',
      control((ctx) => {
        const id = readOptionalString(bodyOf(ctx), 'broadcasterId')
        if (id === undefined) {
          throw new EmulatorInputError('"broadcasterId" is required')
        }
        return ok({ ended: state.endSharedChat(id) })
      })
    )
}
