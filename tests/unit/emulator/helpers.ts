import { createTwitchEmulator, DEMO_CLIENT } from '#emulator/server'
import type { EmulatorOptions, TwitchEmulator } from '#emulator/server'

/**
 * Shared by the emulator specs: a controllable clock, a deterministic random
 * source, and small wrappers around real `fetch` calls.
 */

export const CLIENT = DEMO_CLIENT
export const REDIRECT_URI = 'http://localhost:3333/auth/twitch/callback'
export const ARIA = '1001'
export const BRAM = '1002'
export const CASS = '1003'
export const PLAIN_PAT = '1005'

export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
  set: (ms: number) => void
}

export function manualClock(start: number = Date.UTC(2025, 0, 6, 20, 0, 0)): ManualClock {
  let current = start
  return {
    now: () => current,
    advance: (ms) => {
      current += ms
    },
    set: (ms) => {
      current = ms
    },
  }
}

/** mulberry32: a tiny seeded generator, so automatic votes are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function newEmulator(options: EmulatorOptions = {}): TwitchEmulator {
  return createTwitchEmulator(options)
}

export async function readJson<T = Record<string, unknown>>(response: Response): Promise<T> {
  const text = await response.text()
  return JSON.parse(text) as T
}

export function postForm(url: string, fields: Record<string, string>, init: RequestInit = {}) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    ...init,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

export function helixHeaders(accessToken: string, clientId: string = CLIENT.clientId) {
  return { 'Authorization': `Bearer ${accessToken}`, 'Client-Id': clientId }
}

export function helixGet(emulator: TwitchEmulator, pathAndQuery: string, accessToken: string) {
  return fetch(`${emulator.helixUrl}${pathAndQuery}`, { headers: helixHeaders(accessToken) })
}

export function helixSend(
  emulator: TwitchEmulator,
  method: 'POST' | 'PATCH',
  path: string,
  accessToken: string,
  body: unknown
) {
  return fetch(`${emulator.helixUrl}${path}`, {
    method,
    headers: { ...helixHeaders(accessToken), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export function refreshGrant(emulator: TwitchEmulator, refreshToken: string) {
  return postForm(`${emulator.oauthUrl}/token`, {
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  })
}

export function validateToken(emulator: TwitchEmulator, accessToken: string) {
  return fetch(`${emulator.oauthUrl}/validate`, {
    headers: { Authorization: `OAuth ${accessToken}` },
  })
}

export interface TokenAnswer {
  access_token: string
  refresh_token: string
  expires_in?: number
  scope: string[]
  token_type: string
}

export interface HelixErrorBody {
  error: string
  status: number
  message: string
}

export interface PollChoiceBody {
  id: string
  title: string
  votes: number
  channel_points_votes: number
  bits_votes: number
}

export interface PollBody {
  id: string
  broadcaster_id: string
  broadcaster_name: string
  broadcaster_login: string
  title: string
  choices: PollChoiceBody[]
  channel_points_voting_enabled: boolean
  channel_points_per_vote: number
  status: string
  duration: number
  started_at: string
  ended_at: string | null
}

export function pollRequest(broadcasterId: string, overrides: Record<string, unknown> = {}) {
  return {
    broadcaster_id: broadcasterId,
    title: 'Where does the party go next?',
    choices: [{ title: 'The crypt' }, { title: 'The tavern' }, { title: 'The sewers' }],
    duration: 120,
    ...overrides,
  }
}

/** The status of a request, with its body drained so the connection can be reused. */
export async function statusOf(request: Response | Promise<Response>): Promise<number> {
  const response = await request
  await response.arrayBuffer()
  return response.status
}

/** The JSON body of a request. */
export async function jsonOf<T = Record<string, unknown>>(
  request: Response | Promise<Response>
): Promise<T> {
  const response = await request
  return readJson<T>(response)
}

/** The first poll of a Helix polls answer (Create, Get or End Poll). */
export async function firstPollOf(request: Response | Promise<Response>): Promise<PollBody> {
  const body = await jsonOf<{ data: PollBody[] }>(request)
  return body.data[0]
}

/** The `message` of a Twitch error answer. */
export async function messageOf(response: Response): Promise<string> {
  const body = await readJson<HelixErrorBody>(response)
  return body.message
}
