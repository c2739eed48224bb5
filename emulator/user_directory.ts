import { avatarDataUrl } from './avatar.js'
import { EmulatorInputError } from './emulator_error.js'
import { seededUsers } from './seed_users.js'
import type { BroadcasterType, EmulatorUser, NewUserInput } from './types.js'

/** Users created at run time get ids from here on, well apart from the seeded 100x ids. */
const FIRST_CREATED_ID = 2001

/** Twitch logins: 4 to 25 characters, lower-case letters, digits, underscores. */
const LOGIN_PATTERN = /^[a-z0-9_]{4,25}$/

const BROADCASTER_TYPES: readonly BroadcasterType[] = ['', 'affiliate', 'partner']

export function isBroadcasterType(value: unknown): value is BroadcasterType {
  return typeof value === 'string' && (BROADCASTER_TYPES as readonly string[]).includes(value)
}

/** The emulator's accounts, looked up by id or login. */
export class UserDirectory {
  #byId = new Map<string, EmulatorUser>()
  #nextId = FIRST_CREATED_ID

  private readonly seed: boolean

  constructor(seed: boolean) {
    this.seed = seed
    this.reset()
  }

  reset(): void {
    this.#byId.clear()
    this.#nextId = FIRST_CREATED_ID
    if (this.seed) {
      for (const user of seededUsers()) {
        this.#byId.set(user.id, user)
      }
    }
  }

  list(): EmulatorUser[] {
    return [...this.#byId.values()]
  }

  get(id: string): EmulatorUser | undefined {
    return this.#byId.get(id)
  }

  /** Logins are case-insensitive on Twitch. */
  findByLogin(login: string): EmulatorUser | undefined {
    const wanted = login.toLowerCase()
    return this.list().find((user) => user.login === wanted)
  }

  /** Throws EmulatorInputError (404) for an unknown id: callers name users they expect to exist. */
  require(id: string): EmulatorUser {
    const user = this.get(id)
    if (!user) {
      throw new EmulatorInputError(`Unknown user id: ${id}`, 404)
    }
    return user
  }

  create(input: NewUserInput, createdAt: Date): EmulatorUser {
    const login = typeof input.login === 'string' ? input.login.trim().toLowerCase() : ''
    if (!LOGIN_PATTERN.test(login)) {
      throw new EmulatorInputError(
        'login must be 4 to 25 characters of lower-case letters, digits and underscores'
      )
    }
    if (this.findByLogin(login)) {
      throw new EmulatorInputError(`login already taken: ${login}`, 409)
    }
    const broadcasterType = input.broadcasterType ?? 'affiliate'
    if (!isBroadcasterType(broadcasterType)) {
      throw new EmulatorInputError("broadcasterType must be '', 'affiliate' or 'partner'")
    }
    const broadcasterLanguage = input.broadcasterLanguage ?? 'en'
    if (!/^(?:[a-z]{2}|other)$/.test(broadcasterLanguage)) {
      throw new EmulatorInputError('broadcasterLanguage must be two lower-case letters or "other"')
    }
    const displayName = input.displayName?.trim() || login
    const user: EmulatorUser = {
      id: String(this.#nextId++),
      login,
      displayName,
      broadcasterType,
      broadcasterLanguage,
      email: input.email ?? `${login}@example.test`,
      description: '',
      profileImageUrl: avatarDataUrl(login, displayName),
      createdAt: createdAt.toISOString(),
    }
    this.#byId.set(user.id, user)
    return user
  }
}
