import { EmulatorInputError } from './emulator_error.js'

/**
 * Shared Chat sessions: channels whose chats are joined, so a message sent in
 * one appears in all of them. A channel is in at most one session.
 */
export class SharedChatSessions {
  #sessions: Set<string>[] = []

  reset(): void {
    this.#sessions = []
  }

  /** Joins the channels into one new session, taking them out of any other. */
  start(broadcasterIds: readonly string[]): string[] {
    const unique = [...new Set(broadcasterIds)]
    if (unique.length < 2) {
      throw new EmulatorInputError('A Shared Chat session joins at least two channels')
    }
    unique.forEach((id) => this.end(id))
    this.#sessions.push(new Set(unique))
    return unique
  }

  /** Ends the session the channel is in; false when it was in none. */
  end(broadcasterId: string): boolean {
    const before = this.#sessions.length
    this.#sessions = this.#sessions.filter((session) => !session.has(broadcasterId))
    return this.#sessions.length < before
  }

  /** The other channels of the channel's session (none outside a session). */
  partnersOf(broadcasterId: string): string[] {
    const session = this.#sessions.find((candidate) => candidate.has(broadcasterId))
    return session ? [...session].filter((id) => id !== broadcasterId) : []
  }

  list(): string[][] {
    return this.#sessions.map((session) => [...session])
  }
}
