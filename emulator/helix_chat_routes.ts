import { failsAutomod } from './automod.js'
import { missingScope } from './helix_gate.js'
import type { HelixCaller } from './helix_gate.js'
import { helixFaultReply } from './fault_replies.js'
import { helixError, jsonReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { EmulatorState } from './state.js'

export const MAX_CHAT_MESSAGE_LENGTH = 500

/** What an app token needs to send as a bot: the sender's and the broadcaster's authorization. */
const SENDER_BOT_SCOPES = ['user:write:chat', 'user:bot'] as const
const BROADCASTER_BOT_SCOPES = ['channel:bot'] as const

function requiredString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

function checkSender(
  caller: HelixCaller,
  state: EmulatorState,
  broadcasterId: string,
  senderId: string
): Reply | undefined {
  const { token } = caller
  if (token.userId !== null) {
    const scopeProblem = missingScope(caller, ['user:write:chat'])
    if (scopeProblem) {
      return scopeProblem
    }
    return senderId === token.userId
      ? undefined
      : helixError(401, 'The sender_id must match the user ID in the access token')
  }
  const senderAgreed = state.tokens.hasGranted(token.clientId, senderId, SENDER_BOT_SCOPES)
  const channelAgreed = state.tokens.hasGranted(
    token.clientId,
    broadcasterId,
    BROADCASTER_BOT_SCOPES
  )
  if (!senderAgreed || !channelAgreed) {
    return helixError(
      403,
      'The sender must have authorized user:write:chat and user:bot, and the broadcaster ' +
        'channel:bot, for this client'
    )
  }
  return undefined
}

/**
 * POST /helix/chat/messages {broadcaster_id, sender_id, message, for_source_only?}.
 * With a user token the sender is the token's user (scope user:write:chat);
 * with an app token the sender and the broadcaster must have authorized the
 * client as a bot. `for_source_only` is an app-token parameter: with a user
 * token it is a 400. A message AutoMod refuses is not sent (200, is_sent false).
 */
export function sendChatMessage(
  ctx: RequestContext,
  caller: HelixCaller,
  state: EmulatorState
): Reply {
  const body = ctx.jsonObject()
  const broadcasterId = requiredString(body, 'broadcaster_id')
  const senderId = requiredString(body, 'sender_id')
  const message = requiredString(body, 'message')
  if (broadcasterId === undefined) {
    return helixError(400, 'Missing required parameter "broadcaster_id"')
  }
  if (senderId === undefined) {
    return helixError(400, 'Missing required parameter "sender_id"')
  }
  if (message === undefined) {
    return helixError(400, 'Missing required parameter "message"')
  }
  const forSourceOnly = body.for_source_only
  if (forSourceOnly !== undefined && typeof forSourceOnly !== 'boolean') {
    return helixError(400, 'The parameter "for_source_only" must be a boolean')
  }
  if (forSourceOnly !== undefined && caller.token.userId !== null) {
    return helixError(400, 'The parameter "for_source_only" requires an app access token')
  }
  if (!state.users.get(broadcasterId)) {
    return helixError(400, 'Invalid broadcaster_id')
  }
  if (!state.users.get(senderId)) {
    return helixError(400, 'Invalid sender_id')
  }
  const senderProblem = checkSender(caller, state, broadcasterId, senderId)
  if (senderProblem) {
    return senderProblem
  }
  ctx.userId = senderId
  const fault = state.chatSendFaults.take(broadcasterId)
  if (fault) {
    return helixFaultReply(fault, state.now())
  }
  if ([...message].length > MAX_CHAT_MESSAGE_LENGTH) {
    return helixError(
      422,
      `The message is too large (at most ${MAX_CHAT_MESSAGE_LENGTH} characters)`
    )
  }
  if (failsAutomod(message, state.automodWords)) {
    return jsonReply(200, {
      data: [
        {
          message_id: '',
          is_sent: false,
          drop_reason: { code: 'msg_rejected', message: 'Your message was held by AutoMod' },
        },
      ],
    })
  }
  const sent = state.postAppChatMessage(broadcasterId, senderId, message, forSourceOnly ?? null)
  return jsonReply(200, {
    data: [{ message_id: sent.messageId, is_sent: true, drop_reason: null }],
  })
}
