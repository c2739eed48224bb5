import { EmulatorInputError } from './emulator_error.js'
import type { ChatParticipant } from './chat_types.js'
import type { UserDirectory } from './user_directory.js'
import type { EmulatorUser } from './types.js'

/** Made-up viewers get ids from here on, far from users' ids. */
const FIRST_VIEWER_ID = 90001

const LOGIN_PATTERN = /^[a-z0-9_]{3,25}$/

const COLOURS = ['#FF4500', '#1E90FF', '#2E8B57', '#DAA520', '#9ACD32', '#8A2BE2', '#FF69B4']

function colourFor(login: string): string {
  let hash = 0
  for (const char of login) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  }
  return COLOURS[hash % COLOURS.length]
}

export function participantOf(user: EmulatorUser): ChatParticipant {
  return { id: user.id, login: user.login, name: user.displayName, color: colourFor(user.login) }
}

/**
 * Who can chat: every emulator user, plus viewers made up on the fly. Viewers
 * are kept apart from users so they never crowd the authorize page.
 */
export class ChatterDirectory {
  #users: UserDirectory
  #viewers = new Map<string, ChatParticipant>()
  #nextId = FIRST_VIEWER_ID

  constructor(users: UserDirectory) {
    this.#users = users
  }

  reset(): void {
    this.#viewers.clear()
    this.#nextId = FIRST_VIEWER_ID
  }

  /** By id (a user or a known viewer), else by login (a user, a viewer, or a new viewer). */
  resolve(input: { chatterId?: string; chatterLogin?: string }): ChatParticipant {
    if (input.chatterId !== undefined) {
      const user = this.#users.get(input.chatterId)
      const viewer = [...this.#viewers.values()].find((known) => known.id === input.chatterId)
      const found = user ? participantOf(user) : viewer
      if (!found) {
        throw new EmulatorInputError(`Unknown chatter id: ${input.chatterId}`, 404)
      }
      return found
    }
    if (input.chatterLogin === undefined) {
      throw new EmulatorInputError('Name the chatter: "chatterLogin" or "chatterId"')
    }
    return this.byLogin(input.chatterLogin)
  }

  byLogin(rawLogin: string): ChatParticipant {
    const login = rawLogin.trim().toLowerCase()
    const user = this.#users.findByLogin(login)
    if (user) {
      return participantOf(user)
    }
    const known = this.#viewers.get(login)
    if (known) {
      return known
    }
    if (!LOGIN_PATTERN.test(login)) {
      throw new EmulatorInputError(
        'chatterLogin must be 3 to 25 characters of letters, digits and underscores'
      )
    }
    const viewer: ChatParticipant = {
      id: String(this.#nextId++),
      login,
      name: login,
      color: colourFor(login),
    }
    this.#viewers.set(login, viewer)
    return viewer
  }
}
