/** Chat records the emulator keeps in memory. */

/** Someone in a chat: an emulator user, or a viewer the emulator made up. */
export interface ChatParticipant {
  id: string
  login: string
  name: string
  /** Name colour in chat, `#RRGGBB` (Twitch sends '' when the user never chose one). */
  color: string
}

/** Who put a message in the chat: the app (Send Chat Message), a control call, or an auto-chatter. */
export type ChatOrigin = 'app' | 'viewer' | 'auto'

export interface ChatMessageRecord {
  messageId: string
  broadcaster: ChatParticipant
  chatter: ChatParticipant
  text: string
  /** epoch ms by the emulator clock */
  sentAt: number
  origin: ChatOrigin
  /** Send Chat Message's `for_source_only` as asked (null when not given or not from the app). */
  forSourceOnly: boolean | null
  /** Set when the message was sent in another channel of a Shared Chat session. */
  source: { broadcaster: ChatParticipant; messageId: string } | null
}

/** A chat message as the control API lists it. */
export interface ChatLogEntry {
  messageId: string
  broadcasterId: string
  chatterId: string
  chatterLogin: string
  chatterName: string
  text: string
  /** ISO 8601 */
  sentAt: string
  origin: ChatOrigin
  forSourceOnly: boolean | null
  sourceBroadcasterId: string | null
  sourceMessageId: string | null
}

export function toChatLogEntry(message: ChatMessageRecord): ChatLogEntry {
  return {
    messageId: message.messageId,
    broadcasterId: message.broadcaster.id,
    chatterId: message.chatter.id,
    chatterLogin: message.chatter.login,
    chatterName: message.chatter.name,
    text: message.text,
    sentAt: new Date(message.sentAt).toISOString(),
    origin: message.origin,
    forSourceOnly: message.forSourceOnly,
    sourceBroadcasterId: message.source?.broadcaster.id ?? null,
    sourceMessageId: message.source?.messageId ?? null,
  }
}
