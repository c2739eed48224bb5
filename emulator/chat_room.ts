import { randomUUID } from 'node:crypto'
import { participantOf } from './chatter_directory.js'
import type { ChatMessageRecord, ChatOrigin, ChatParticipant } from './chat_types.js'
import type { SharedChatSessions } from './shared_chat.js'
import type { UserDirectory } from './user_directory.js'

/** Each channel keeps its latest messages only. */
const KEPT_PER_CHANNEL = 500

export interface ChatPost {
  /** The channel the message is sent in. */
  broadcasterId: string
  chatter: ChatParticipant
  text: string
  origin: ChatOrigin
  forSourceOnly?: boolean | null
  /** Channels that also receive it as a Shared Chat message, beyond the session's. */
  alsoInto?: readonly string[]
}

export interface ChatRoomDeps {
  now: () => number
  users: UserDirectory
  sessions: SharedChatSessions
  /** Called for every message that lands in a channel (the original and each shared copy). */
  onMessage: (message: ChatMessageRecord) => void
}

/**
 * The chat of every channel. A message sent in a channel of a Shared Chat
 * session also lands in the session's other channels, as a copy whose
 * source_* fields name the channel it came from, unless it was sent
 * "for source only".
 */
export class ChatRoom {
  #deps: ChatRoomDeps
  #logs = new Map<string, ChatMessageRecord[]>()

  constructor(deps: ChatRoomDeps) {
    this.#deps = deps
  }

  reset(): void {
    this.#logs.clear()
  }

  /** The original first, then the shared copies. */
  post(input: ChatPost): ChatMessageRecord[] {
    const broadcaster = participantOf(this.#deps.users.require(input.broadcasterId))
    const sharedWith =
      input.forSourceOnly === true ? [] : this.#deps.sessions.partnersOf(broadcaster.id)
    const targets = [...new Set([...sharedWith, ...(input.alsoInto ?? [])])].filter(
      (id) => id !== broadcaster.id
    )
    const receivers = targets.map((id) => participantOf(this.#deps.users.require(id)))
    const original: ChatMessageRecord = {
      messageId: randomUUID(),
      broadcaster,
      chatter: input.chatter,
      text: input.text,
      sentAt: this.#deps.now(),
      origin: input.origin,
      forSourceOnly: input.forSourceOnly ?? null,
      source: null,
    }
    const copies = receivers.map((receiver): ChatMessageRecord => ({
      ...original,
      messageId: randomUUID(),
      broadcaster: receiver,
      source: { broadcaster, messageId: original.messageId },
    }))
    const all = [original, ...copies]
    all.forEach((message) => this.#append(message))
    all.forEach((message) => this.#deps.onMessage(message))
    return all
  }

  /** Oldest first; `limit` keeps the last ones. */
  log(broadcasterId: string, limit?: number): ChatMessageRecord[] {
    const messages = this.#logs.get(broadcasterId) ?? []
    return limit === undefined ? [...messages] : messages.slice(-limit)
  }

  #append(message: ChatMessageRecord): void {
    const messages = this.#logs.get(message.broadcaster.id) ?? []
    messages.push(message)
    if (messages.length > KEPT_PER_CHANNEL) {
      messages.splice(0, messages.length - KEPT_PER_CHANNEL)
    }
    this.#logs.set(message.broadcaster.id, messages)
  }
}
