import { DEFAULT_AUTOMOD_WORDS } from './automod.js'
import { DEFAULT_RATE_LIMIT } from './rate_limiter.js'
import type { EmulatorClient } from './types.js'

export interface EmulatorOptions {
  /** OAuth applications the emulator accepts. Default: the demo pair below. */
  clients?: EmulatorClient[]
  /** Access token `expires_in`, seconds. Default 14400 (4 h). */
  tokenLifetimeSeconds?: number
  /** Added before every /oauth2 and /helix answer. Default 0. */
  latencyMs?: number
  /** Active polls receive random votes over their duration (for the demo). Default false. */
  autoVotes?: boolean
  /** Start with the seeded users. Default true. */
  seed?: boolean
  /** Clock in epoch ms: polls end and tokens expire by it. Default Date.now. */
  now?: () => number
  /** Helix points per minute per client+user. Default 800. */
  rateLimit?: number
  /** Words the emulated AutoMod rejects in poll titles. Default ['badword', 'slur', 'scam']. */
  automodWords?: string[]
  /** Randomness for automatic votes and auto-chatters (tests may pin it). Default Math.random. */
  random?: () => number
  /**
   * How often (real ms) the emulator brings time-driven things up to its clock
   * while listening: polls complete, automatic votes and auto-chatters arrive,
   * and their events go out. Default 1000; 0 = never (call `state.tick()`).
   */
  tickMs?: number
  /** Simulated viewers vote (and chatter) during a chat vote. Default false. */
  autoChat?: boolean
  /** Waits before each EventSub redelivery (ms); length + 1 attempts in all. Default [1000, 4000]. */
  eventsubRetryDelaysMs?: number[]
  /** An EventSub callback slower than this (ms) has not answered. Default 3000. */
  eventsubTimeoutMs?: number
  /** Page size of Get EventSub Subscriptions. Default 100. */
  eventsubPageSize?: number
  /** A WebSocket session on no conduit shard this long (ms) is closed with 4003. Default 10000. */
  websocketUnusedMs?: number
}

export const DEMO_CLIENT: EmulatorClient = {
  clientId: 'chorus-demo-client',
  clientSecret: 'chorus-demo-secret',
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 14_400

export const DEFAULT_TICK_MS = 1000
export const DEFAULT_EVENTSUB_RETRY_DELAYS_MS: readonly number[] = [1000, 4000]
export const DEFAULT_EVENTSUB_TIMEOUT_MS = 3000
export const DEFAULT_EVENTSUB_PAGE_SIZE = 100
export const DEFAULT_WEBSOCKET_UNUSED_MS = 10_000

/** Options with every default filled in; `reset()` returns the emulator to these. */
export interface ResolvedEmulatorOptions {
  clients: EmulatorClient[]
  tokenLifetimeSeconds: number
  latencyMs: number
  autoVotes: boolean
  seed: boolean
  now: () => number
  rateLimit: number
  automodWords: string[]
  random: () => number
  tickMs: number
  autoChat: boolean
  eventsubRetryDelaysMs: number[]
  eventsubTimeoutMs: number
  eventsubPageSize: number
  websocketUnusedMs: number
}

/** Also used by the run-time setters, hence the plain TypeError: callers wrap it. */
export function checkRetryDelays(delays: unknown): number[] {
  if (
    !Array.isArray(delays) ||
    delays.length > 10 ||
    !delays.every((delay) => typeof delay === 'number' && Number.isFinite(delay) && delay >= 0)
  ) {
    throw new TypeError('retry delays must be a list of at most 10 numbers >= 0 (ms)')
  }
  return [...(delays as number[])]
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${value}`)
  }
  return value
}

function requireNonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a number >= 0, got ${value}`)
  }
  return value
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const clients = options.clients ?? [DEMO_CLIENT]
  if (clients.length === 0) {
    throw new TypeError('clients must list at least one OAuth application')
  }
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT
  if (!Number.isInteger(lifetime) || lifetime < 1) {
    throw new TypeError(`tokenLifetimeSeconds must be a positive integer, got ${lifetime}`)
  }
  if (!Number.isInteger(rateLimit) || rateLimit < 1) {
    throw new TypeError(`rateLimit must be a positive integer, got ${rateLimit}`)
  }
  return {
    clients: clients.map((client) => ({ ...client })),
    tokenLifetimeSeconds: lifetime,
    latencyMs: requireNonNegative('latencyMs', options.latencyMs ?? 0),
    autoVotes: options.autoVotes ?? false,
    seed: options.seed ?? true,
    now: options.now ?? Date.now,
    rateLimit,
    automodWords: [...(options.automodWords ?? DEFAULT_AUTOMOD_WORDS)],
    random: options.random ?? Math.random,
    tickMs: requireNonNegative('tickMs', options.tickMs ?? DEFAULT_TICK_MS),
    autoChat: options.autoChat ?? false,
    eventsubRetryDelaysMs: checkRetryDelays(
      options.eventsubRetryDelaysMs ?? DEFAULT_EVENTSUB_RETRY_DELAYS_MS
    ),
    eventsubTimeoutMs: requirePositiveInteger(
      'eventsubTimeoutMs',
      options.eventsubTimeoutMs ?? DEFAULT_EVENTSUB_TIMEOUT_MS
    ),
    websocketUnusedMs: requireNonNegative(
      'websocketUnusedMs',
      options.websocketUnusedMs ?? DEFAULT_WEBSOCKET_UNUSED_MS
    ),
    eventsubPageSize: requirePositiveInteger(
      'eventsubPageSize',
      options.eventsubPageSize ?? DEFAULT_EVENTSUB_PAGE_SIZE
    ),
  }
}
