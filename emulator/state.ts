import { ChatSimulation } from './chat_simulation.js'
import type { ViewerMessageInput } from './chat_simulation.js'
import type { ChatLogEntry, ChatMessageRecord } from './chat_types.js'
import type { ChatVoteWindow } from './chat_vote_windows.js'
import type { DeliveryFaultSettings } from './delivery_faults.js'
import type { DeliveryFilter } from './delivery_log.js'
import { EmulatorInputError } from './emulator_error.js'
import { authorizationRevokeEvent, chatMessageEvent } from './event_payloads.js'
import { EventSubBroker } from './eventsub_broker.js'
import { toWireSubscription } from './eventsub_serializers.js'
import type { WireSubscription } from './eventsub_serializers.js'
import { REVOCATION_STATUSES } from './eventsub_types.js'
import type { DeliveryRecord, SubscriptionStatus } from './eventsub_types.js'
import { FaultBook } from './fault_book.js'
import { toHelixPoll } from './helix_serializers.js'
import type { HelixPoll } from './helix_serializers.js'
import { checkRetryDelays } from './options.js'
import type { ResolvedEmulatorOptions } from './options.js'
import { pollEventPublisher } from './poll_events.js'
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
  'user:read:chat',
  'user:write:chat',
  'user:bot',
  'channel:bot',
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
  autoChat: boolean
  eventsubRetryDelaysMs: number[]
  eventsubTimeoutMs: number
  eventsubPageSize: number
}

/** A subscription as the control API lists it: the Helix shape plus its owner. */
export interface ListedSubscription extends WireSubscription {
  clientId: string
}

export interface DisconnectOutcome {
  tokensKilled: number
  subscriptionsRevoked: number
  notificationsQueued: number
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
  /** Faults of Send Chat Message into a channel (by broadcaster id), whatever the token. */
  readonly chatSendFaults = new FaultBook()
  readonly rateLimiter: RateLimiter
  readonly statsRecorder = new StatsRecorder()
  readonly eventsub: EventSubBroker
  readonly chat: ChatSimulation

  #settings: EmulatorSettings

  private readonly options: ResolvedEmulatorOptions

  constructor(options: ResolvedEmulatorOptions) {
    this.options = options
    this.users = new UserDirectory(options.seed)
    this.rateLimiter = new RateLimiter(options.rateLimit)
    this.#settings = this.#initialSettings()
    this.eventsub = new EventSubBroker({
      now: () => this.now(),
      settings: () => ({
        retryDelaysMs: this.#settings.eventsubRetryDelaysMs,
        timeoutMs: this.#settings.eventsubTimeoutMs,
      }),
      count: (key) => this.statsRecorder.recordDelivery(key),
      userExists: (userId) => this.users.get(userId) !== undefined,
      hasGranted: (clientId, userId, scopes) => this.tokens.hasGranted(clientId, userId, scopes),
      unusedSessionMs: () => options.websocketUnusedMs,
    })
    this.polls = new PollStore(
      {
        now: () => this.now(),
        autoVotesEnabled: () => this.#settings.autoVotes,
        random: options.random,
      },
      pollEventPublisher(this.eventsub, this.users)
    )
    this.chat = new ChatSimulation({
      now: () => this.now(),
      random: options.random,
      users: this.users,
      autoChatEnabled: () => this.#settings.autoChat,
      isListened: (broadcasterId) =>
        this.eventsub.subscriptions.enabled(
          'channel.chat.message',
          (condition) => condition.broadcaster_user_id === broadcasterId
        ).length > 0,
      onMessage: (message) => this.#publishChatMessage(message),
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
      eventsubRetryDelaysMs: [...this.#settings.eventsubRetryDelaysMs],
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

  /** The client's app access tokens answer 401 from now on (a new grant works again). */
  invalidateAppTokens(clientId: string = this.options.clients[0].clientId): number {
    if (!this.findClient(clientId)) {
      throw new EmulatorInputError(`Unknown client id: ${clientId}`)
    }
    return this.tokens.revokeAppTokensOf(clientId)
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

  /**
   * `null` clears. Send Chat Message into this channel answers with the fault
   * (`timeout`: never answers) and posts nothing, with a user or an app token.
   */
  failChatSends(broadcasterId: string, fault: FaultInput | null): void {
    this.users.require(broadcasterId)
    if (fault === null) {
      this.chatSendFaults.clear(broadcasterId)
    } else {
      this.chatSendFaults.arm(broadcasterId, fault)
    }
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

  /**
   * Brings what time drives up to the clock, and sends the events it causes:
   * polls gain automatic votes or complete, auto-chatters post. The ticker
   * calls it while the emulator listens; tests with a fake clock call it after
   * moving the clock (reads of a poll also settle that poll).
   */
  tick(): void {
    this.polls.settleAll()
    this.chat.settle()
  }

  // ---- EventSub -------------------------------------------------------

  /** Every client's subscriptions, oldest first (the Helix shape plus clientId). */
  listSubscriptions(): ListedSubscription[] {
    return this.eventsub.subscriptions
      .all()
      .map((record) => ({ ...toWireSubscription(record), clientId: record.clientId }))
  }

  listDeliveries(filter: DeliveryFilter = {}): DeliveryRecord[] {
    return this.eventsub.deliveries(filter)
  }

  /** Drop or duplicate the next notifications, or delay every one; fields left out keep their value. */
  setDeliveryFaults(input: Partial<DeliveryFaultSettings>): DeliveryFaultSettings {
    this.eventsub.faults.set(input)
    return this.eventsub.faults.settings
  }

  /**
   * Ends a subscription as Twitch would (for `status`) and sends the
   * revocation message; `notify: false` ends it silently (deliveries stop,
   * the listing shows the status, the callback hears nothing).
   */
  revokeSubscription(
    id: string,
    status: SubscriptionStatus,
    options: { notify?: boolean } = {}
  ): ListedSubscription {
    if (!REVOCATION_STATUSES.includes(status)) {
      throw new EmulatorInputError(`"status" must be one of: ${REVOCATION_STATUSES.join(', ')}`)
    }
    const record = this.eventsub.subscriptions.get(id)
    if (!record) {
      throw new EmulatorInputError(`Unknown subscription id: ${id}`, 404)
    }
    this.eventsub.revoke(record, status, options.notify ?? true)
    return { ...toWireSubscription(record), clientId: record.clientId }
  }

  setEventSubSettings(input: {
    retryDelaysMs?: number[]
    timeoutMs?: number
    pageSize?: number
  }): void {
    const positive = (name: string, value: number | undefined) => {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new EmulatorInputError(`"${name}" must be a positive integer`)
      }
    }
    positive('timeoutMs', input.timeoutMs)
    positive('pageSize', input.pageSize)
    let delays = this.#settings.eventsubRetryDelaysMs
    if (input.retryDelaysMs !== undefined) {
      try {
        delays = checkRetryDelays(input.retryDelaysMs)
      } catch (error) {
        throw new EmulatorInputError(error instanceof Error ? error.message : String(error))
      }
    }
    this.#settings.eventsubRetryDelaysMs = delays
    this.#settings.eventsubTimeoutMs = input.timeoutMs ?? this.#settings.eventsubTimeoutMs
    this.#settings.eventsubPageSize = input.pageSize ?? this.#settings.eventsubPageSize
  }

  /**
   * The user removes the client from their Twitch connections: their tokens
   * for it die (access and refresh), subscriptions resting on their
   * authorization are revoked (`authorization_revoked`), and the client's
   * `user.authorization.revoke` subscriptions hear about it.
   */
  disconnectUser(
    userId: string,
    clientId: string = this.options.clients[0].clientId
  ): DisconnectOutcome {
    const user = this.users.require(userId)
    if (!this.findClient(clientId)) {
      throw new EmulatorInputError(`Unknown client id: ${clientId}`)
    }
    const tokensKilled = this.tokens.disconnect(clientId, userId)
    const notificationsQueued = this.eventsub.publish(
      'user.authorization.revoke',
      (condition) => condition.client_id === clientId,
      authorizationRevokeEvent(clientId, user, userId)
    )
    const live = this.eventsub
      .restingOn(clientId, userId)
      .filter(
        (record) =>
          record.status === 'enabled' || record.status === 'webhook_callback_verification_pending'
      )
    live.forEach((record) => this.eventsub.revoke(record, 'authorization_revoked'))
    return { tokensKilled, subscriptionsRevoked: live.length, notificationsQueued }
  }

  // ---- Chat -----------------------------------------------------------

  /** A message the app sent through Send Chat Message (already checked). */
  postAppChatMessage(
    broadcasterId: string,
    senderId: string,
    text: string,
    forSourceOnly: boolean | null
  ): ChatMessageRecord {
    return this.chat.postFromApp(broadcasterId, senderId, text, forSourceOnly)
  }

  /** A viewer's message (chatter made up on the fly when unknown). All copies, original first. */
  postViewerMessage(input: ViewerMessageInput): ChatLogEntry[] {
    return this.chat.postFromViewer(input)
  }

  /** The channel's chat, oldest first; `limit` keeps the last ones. */
  chatLog(broadcasterId: string, limit?: number): ChatLogEntry[] {
    return this.chat.log(broadcasterId, limit)
  }

  setAutoChat(enabled: boolean): void {
    this.#settings.autoChat = enabled
  }

  /** Opens a chat vote for the auto-chatters by hand (as an announcement would). */
  openChatVote(broadcasterId: string, choices: number, seconds: number): ChatVoteWindow {
    return this.chat.openVote(broadcasterId, choices, seconds)
  }

  closeChatVote(broadcasterId: string): boolean {
    return this.chat.votes.close(broadcasterId)
  }

  startSharedChat(broadcasterIds: readonly string[]): string[] {
    return this.chat.startSharedChat(broadcasterIds)
  }

  endSharedChat(broadcasterId: string): boolean {
    return this.chat.sessions.end(broadcasterId)
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
    this.eventsub.reset()
    this.chat.reset()
    this.refreshFaults.clearAll()
    this.helixFaults.clearAll()
    this.chatSendFaults.clearAll()
    this.statsRecorder.reset()
    this.#settings = this.#initialSettings()
    this.rateLimiter.setLimit(this.#settings.rateLimit)
  }

  /** Abandons pending EventSub sends (the emulator is closing). */
  shutdown(): void {
    this.eventsub.shutdown()
  }

  #publishChatMessage(message: ChatMessageRecord): void {
    this.eventsub.publish(
      'channel.chat.message',
      (condition) => condition.broadcaster_user_id === message.broadcaster.id,
      chatMessageEvent(message)
    )
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
      autoChat: this.options.autoChat,
      eventsubRetryDelaysMs: [...this.options.eventsubRetryDelaysMs],
      eventsubTimeoutMs: this.options.eventsubTimeoutMs,
      eventsubPageSize: this.options.eventsubPageSize,
    }
  }
}
