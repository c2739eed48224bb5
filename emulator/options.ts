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
  /** Randomness for automatic votes (tests may pin it). Default Math.random. */
  random?: () => number
}

export const DEMO_CLIENT: EmulatorClient = {
  clientId: 'chorus-demo-client',
  clientSecret: 'chorus-demo-secret',
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 14_400

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
  }
}
