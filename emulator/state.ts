import { EmulatorInputError } from './emulator_error.js'
import { FaultBook } from './fault_book.js'
import { toHelixPoll } from './helix_serializers.js'
import type { HelixPoll } from './helix_serializers.js'
import type { ResolvedEmulatorOptions } from './options.js'
import { PollStore } from './poll_store.js'
import { RateLimiter } from './rate_limiter.js'
import { StatsRecorder } from './stats_recorder.js'
import type { EmulatorStats } from './stats_recorder.js'
import { APP_TOKEN_LIFETIME_SECONDS, TokenStore } from './token_store.js'
import type {
  EmulatorClient,
  EmulatorUser,
  FaultInput,
  IssuedTokens,
  NewUserInput,
  PollRecord,
} from './types.js'
import { UserDirectory } from './user_directory.js'

/** What `issueTokens` grants when the caller names no scopes: what Chorus asks for. */
export const DEFAULT_USER_SCOPES: readonly string[] = [
  'channel:manage:polls',
  'channel:read:polls',
  'user:read:email',
]

/** The switches a test or the control API can flip at run time. */
export interface EmulatorSettings {
  tokenLifetimeSeconds: number
  latencyMs: number
  userLatencyMs: Record<string, number>
  omitExpiresInOnRefresh: boolean
  rateLimit: number
  automodWords: string[]
  autoVotes: boolean
}

function checkMilliseconds(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new EmulatorInputError('ms must be a number >= 0')
  }
}

/**
 * Everything the emulator knows and every switch it has. The HTTP routes and
 * the control API both work through this object, and tests may use it
 * directly (`emulator.state`) for setup that needs no HTTP round trip.
 */
export class EmulatorState {
  readonly users: UserDirectory
  /** Internal stores, used by the routes; tests should prefer the methods below. */
  readonly tokens = new TokenStore()
  readonly polls: PollStore
  readonly refreshFaults = new FaultBook()
  readonly helixFaults = new FaultBook()
  readonly rateLimiter: RateLimiter
  readonly statsRecorder = new StatsRecorder()

  #settings: EmulatorSettings

  private readonly options: ResolvedEmulatorOptions

  constructor(options: ResolvedEmulatorOptions) {
    this.options = options
    this.users = new UserDirectory(options.seed)
    this.rateLimiter = new RateLimiter(options.rateLimit)
    this.#settings = this.#initialSettings()
    this.polls = new PollStore({
      now: () => this.now(),
      autoVotesEnabled: () => this.#settings.autoVotes,
      random: options.random,
    })
  }

  now(): number {
    return this.options.now()
  }

  get clients(): readonly EmulatorClient[] {
    return this.options.clients
  }

  findClient(clientId: string): EmulatorClient | undefined {
    return this.options.clients.find((client) => client.clientId === clientId)
  }

  /** A copy: changing it changes nothing, use the setters. */
  get settings(): EmulatorSettings {
    return {
      ...this.#settings,
      userLatencyMs: { ...this.#settings.userLatencyMs },
      automodWords: [...this.#settings.automodWords],
    }
  }

  createUser(input: NewUserInput): EmulatorUser {
    return this.users.create(input, new Date(this.now()))
  }

  /**
   * Tokens for a user as if they had gone through the browser flow, so tests
   * and benchmarks can create connected streamers without a browser.
   */
  issueTokens(
    userId: string,
    scopes: readonly string[] = DEFAULT_USER_SCOPES,
    clientId: string = this.options.clients[0].clientId
  ): IssuedTokens {
    this.users.require(userId)
    if (!this.findClient(clientId)) {
      throw new EmulatorInputError(`Unknown client id: ${clientId}`)
    }
    return this.tokens.issueUserTokens(
      userId,
      clientId,
      [...scopes],
      this.#settings.tokenLifetimeSeconds,
      this.now()
    )
  }

  /** An app access token (client_credentials), no user. */
  issueAppToken(clientId: string = this.options.clients[0].clientId): {
    accessToken: string
    expiresIn: number
  } {
    if (!this.findClient(clientId)) {
      throw new EmulatorInputError(`Unknown client id: ${clientId}`)
    }
    const record = this.tokens.issueAppToken(clientId, this.now())
    return { accessToken: record.token, expiresIn: APP_TOKEN_LIFETIME_SECONDS }
  }

  /** Kills every live refresh token of the user (400 Invalid refresh token from now on). */
  revokeRefresh(userId: string): number {
    this.users.require(userId)
    return this.tokens.killRefreshTokensOf(userId)
  }

  /**
   * Current access tokens answer 401 on /validate and Helix; refresh tokens
   * keep working, so the app can recover by refreshing.
   */
  invalidateAccess(userId: string): number {
    this.users.require(userId)
    return this.tokens.revokeAccessTokensOf(userId)
  }

  /** `null` clears. See FaultInput for `times` and `retryAfterSeconds`. */
  failRefresh(userId: string, fault: FaultInput | null): void {
    this.users.require(userId)
    if (fault === null) {
      this.refreshFaults.clear(userId)
    } else {
      this.refreshFaults.arm(userId, fault)
    }
  }

  clearRefreshFault(userId: string): void {
    this.refreshFaults.clear(userId)
  }

  /** `null` clears. Affects every Helix call made with one of the user's tokens. */
  failHelix(userId: string, fault: FaultInput | null): void {
    this.users.require(userId)
    if (fault === null) {
      this.helixFaults.clear(userId)
    } else {
      this.helixFaults.arm(userId, fault)
    }
  }

  clearHelixFault(userId: string): void {
    this.helixFaults.clear(userId)
  }

  /** Latency added to every /oauth2 and /helix answer. */
  setLatency(ms: number): void {
    checkMilliseconds(ms)
    this.#settings.latencyMs = ms
  }

  /** Extra latency, on top of the global one, for calls tied to this user; `null` clears. */
  setUserLatency(userId: string, ms: number | null): void {
    this.users.require(userId)
    if (ms === null || ms === 0) {
      delete this.#settings.userLatencyMs[userId]
      return
    }
    checkMilliseconds(ms)
    this.#settings.userLatencyMs[userId] = ms
  }

  latencyFor(userId: string | null): number {
    const extra = userId === null ? 0 : (this.#settings.userLatencyMs[userId] ?? 0)
    return this.#settings.latencyMs + extra
  }

  /** Lifetime of tokens issued from now on (already issued ones keep theirs). */
  setLifetime(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new EmulatorInputError('seconds must be a positive integer')
    }
    this.#settings.tokenLifetimeSeconds = seconds
  }

  get tokenLifetimeSeconds(): number {
    return this.#settings.tokenLifetimeSeconds
  }

  /** Twitch sometimes leaves `expires_in` out of a refresh answer; this reproduces it. */
  omitExpiresInOnRefresh(enabled: boolean): void {
    this.#settings.omitExpiresInOnRefresh = enabled
  }

  get omitsExpiresInOnRefresh(): boolean {
    return this.#settings.omitExpiresInOnRefresh
  }

  /** Helix points per minute per client+user; every bucket starts full again. */
  setRateLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new EmulatorInputError('limit must be a positive integer')
    }
    this.#settings.rateLimit = limit
    this.rateLimiter.setLimit(limit)
  }

  setAutomodWords(words: readonly string[]): void {
    if (!words.every((word) => typeof word === 'string')) {
      throw new EmulatorInputError('words must be an array of strings')
    }
    this.#settings.automodWords = [...words]
  }

  get automodWords(): readonly string[] {
    return this.#settings.automodWords
  }

  setAutoVotes(enabled: boolean): void {
    this.#settings.autoVotes = enabled
  }

  /** Adds `count` votes to one choice of an ACTIVE poll. */
  castVotes(pollId: string, choiceIndex: number, count: number): HelixPoll {
    return this.#present(this.polls.castVotes(pollId, choiceIndex, count))
  }

  /** The poll as Helix would show it now (status and votes settled by the clock). */
  getPoll(id: string): HelixPoll | undefined {
    const poll = this.polls.get(id)
    return poll ? this.#present(poll) : undefined
  }

  listPolls(broadcasterId: string): HelixPoll[] {
    return this.polls.listFor(broadcasterId).map((poll) => this.#present(poll))
  }

  stats(): EmulatorStats {
    return this.statsRecorder.snapshot()
  }

  resetStats(): void {
    this.statsRecorder.reset()
  }

  /**
   * Back to the state right after construction: seeded users only, no tokens,
   * codes, polls or faults, zero stats, and the settings the emulator was
   * created with.
   */
  reset(): void {
    this.users.reset()
    this.tokens.reset()
    this.polls.reset()
    this.refreshFaults.clearAll()
    this.helixFaults.clearAll()
    this.statsRecorder.reset()
    this.#settings = this.#initialSettings()
    this.rateLimiter.setLimit(this.#settings.rateLimit)
  }

  #present(poll: PollRecord): HelixPoll {
    return toHelixPoll(poll, this.users.get(poll.broadcasterId))
  }

  #initialSettings(): EmulatorSettings {
    return {
      tokenLifetimeSeconds: this.options.tokenLifetimeSeconds,
      latencyMs: this.options.latencyMs,
      userLatencyMs: {},
      omitExpiresInOnRefresh: false,
      rateLimit: this.options.rateLimit,
      automodWords: [...this.options.automodWords],
      autoVotes: this.options.autoVotes,
    }
  }
}
