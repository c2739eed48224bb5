import { autoChatLines } from './auto_chatters.js'
import { ChatRoom } from './chat_room.js'
import { toChatLogEntry } from './chat_types.js'
import type { ChatLogEntry, ChatMessageRecord } from './chat_types.js'
import { ChatterDirectory, participantOf } from './chatter_directory.js'
import {
  ChatVoteWindows,
  DEFAULT_CHAT_VOTE_SECONDS,
  readAnnouncement,
} from './chat_vote_windows.js'
import type { ChatVoteWindow } from './chat_vote_windows.js'
import { EmulatorInputError } from './emulator_error.js'
import { SharedChatSessions } from './shared_chat.js'
import type { UserDirectory } from './user_directory.js'

export interface ViewerMessageInput {
  broadcasterId: string
  chatterLogin?: string
  chatterId?: string
  text: string
  /** Simulates Shared Chat: the message is sent in this channel and shared into broadcasterId. */
  sourceBroadcasterId?: string
}

export interface ChatSimulationDeps {
  now: () => number
  random: () => number
  users: UserDirectory
  autoChatEnabled: () => boolean
  /** Whether anyone receives this channel's chat (an enabled channel.chat.message subscription). */
  isListened: (broadcasterId: string) => boolean
  /** Every message landing in a channel, for channel.chat.message events. */
  onMessage: (message: ChatMessageRecord) => void
}

/**
 * Chat as the emulator simulates it: the channels' chat rooms, the viewers,
 * Shared Chat sessions, and the auto-chatters who vote while a chat vote
 * seems to run.
 */
export class ChatSimulation {
  readonly chatters: ChatterDirectory
  readonly sessions = new SharedChatSessions()
  readonly votes = new ChatVoteWindows()
  readonly room: ChatRoom
  #deps: ChatSimulationDeps

  constructor(deps: ChatSimulationDeps) {
    this.#deps = deps
    this.chatters = new ChatterDirectory(deps.users)
    this.room = new ChatRoom({
      now: deps.now,
      users: deps.users,
      sessions: this.sessions,
      onMessage: deps.onMessage,
    })
  }

  reset(): void {
    this.room.reset()
    this.chatters.reset()
    this.sessions.reset()
    this.votes.reset()
  }

  /**
   * A message the app sent (Send Chat Message, already checked). An
   * announcement of a chat vote opens a vote for the auto-chatters; a message
   * about results closes it.
   */
  postFromApp(
    broadcasterId: string,
    senderId: string,
    text: string,
    forSourceOnly: boolean | null
  ): ChatMessageRecord {
    const [original] = this.room.post({
      broadcasterId,
      chatter: participantOf(this.#deps.users.require(senderId)),
      text,
      origin: 'app',
      forSourceOnly,
    })
    const reading = readAnnouncement(text)
    if (reading?.kind === 'results') {
      this.votes.close(broadcasterId)
    } else if (reading?.kind === 'vote') {
      const seconds = reading.seconds ?? DEFAULT_CHAT_VOTE_SECONDS
      this.votes.open(broadcasterId, reading.choices, seconds, this.#deps.now(), this.#deps.random)
    }
    return original
  }

  /** A viewer's message (chatter made up on the fly when unknown). All copies, original first. */
  postFromViewer(input: ViewerMessageInput): ChatLogEntry[] {
    if (input.text.length === 0) {
      throw new EmulatorInputError('"text" must not be empty')
    }
    this.#deps.users.require(input.broadcasterId)
    const chatter = this.chatters.resolve(input)
    const source = input.sourceBroadcasterId
    const shared = source !== undefined && source !== input.broadcasterId
    const posted = this.room.post({
      broadcasterId: shared ? source : input.broadcasterId,
      chatter,
      text: input.text,
      origin: 'viewer',
      alsoInto: shared ? [input.broadcasterId] : [],
    })
    return posted.map(toChatLogEntry)
  }

  /** The channel's chat, oldest first; `limit` keeps the last ones. */
  log(broadcasterId: string, limit?: number): ChatLogEntry[] {
    this.#deps.users.require(broadcasterId)
    return this.room.log(broadcasterId, limit).map(toChatLogEntry)
  }

  openVote(broadcasterId: string, choices: number, seconds: number): ChatVoteWindow {
    this.#deps.users.require(broadcasterId)
    return this.votes.open(broadcasterId, choices, seconds, this.#deps.now(), this.#deps.random)
  }

  startSharedChat(broadcasterIds: readonly string[]): string[] {
    broadcasterIds.forEach((id) => this.#deps.users.require(id))
    return this.sessions.start(broadcasterIds)
  }

  /**
   * Auto-chatters speak only where someone listens: a channel with an open
   * chat vote and an enabled channel.chat.message subscription. Elsewhere the
   * vote's clock just moves on, so no burst follows a late subscription.
   */
  settle(): void {
    const now = this.#deps.now()
    for (const window of this.votes.list()) {
      const speaking =
        this.#deps.autoChatEnabled() &&
        this.#deps.isListened(window.broadcasterId) &&
        this.#deps.users.get(window.broadcasterId) !== undefined
      if (speaking) {
        for (const line of autoChatLines(window, now, this.#deps.random)) {
          this.room.post({
            broadcasterId: window.broadcasterId,
            chatter: this.chatters.byLogin(line.login),
            text: line.text,
            origin: 'auto',
          })
        }
      } else {
        window.countedUntil = Math.max(window.countedUntil, Math.min(now, window.closesAt))
        window.carry = 0
      }
      if (now >= window.closesAt) {
        this.votes.close(window.broadcasterId)
      }
    }
  }
}
