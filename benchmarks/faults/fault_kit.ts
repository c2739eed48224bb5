import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApplicationService } from '@adonisjs/core/types'
import type { BenchEmulator, BenchTokens } from '../bench_emulator.js'
import type { WebInstance } from '../bench_instance.js'

/** The two web instances of a scenario: Twitch's webhooks reach `survivor`. */
export interface InstancePair {
  dying: WebInstance & { url: string }
  survivor: WebInstance & { url: string }
}

/** What a fault scenario is handed (benchmarks/faults.ts builds it). */
export interface FaultContext {
  app: ApplicationService
  emulator: BenchEmulator
  /** The benchmark's Twitch client id, for Helix calls made with a user's token. */
  clientId: string
  /** Boots both instances on the benchmark's database, Redis and emulator. */
  startInstances(): Promise<InstancePair>
}

/** What a scenario measured once its run was finished by the surviving instance. */
export interface FaultResult {
  /** Votes viewers sent that Chorus did not count (Twitch's own non-delivery aside). */
  votesLost: number
  /** Twitch polls of the scenario's channels still ACTIVE at the end. */
  pollsLeftRunning: number
  /** Runs left `launching` or `ending`. */
  runsLeftOpen: number
  /** From the kill until the survivor had finished the run, in ms (null: nothing was killed). */
  takeoverMs: number | null
  /** What else the scenario measured, printed under its line. */
  figures?: [string, string][]
}

/**
 * One fault, played against real processes. Each scenario is a file in
 * benchmarks/faults/scenarios exporting `scenario`; the runner plays them all.
 * The runner counts the 5xx answered to Twitch during each one.
 */
export interface FaultScenario {
  name: string
  run(context: FaultContext): Promise<FaultResult>
}

/** Every scenario of benchmarks/faults/scenarios, in file name order. */
export async function loadScenarios(): Promise<FaultScenario[]> {
  const folder = new URL('./scenarios/', import.meta.url)
  const entries = await readdir(folder)
  const files = entries.filter((file) => file.endsWith('.ts')).sort()
  const modules = await Promise.all(
    files.map((file) => import(new URL(file, folder).href) as Promise<{ scenario?: FaultScenario }>)
  )
  return modules.map((module, index) => {
    const { scenario } = module
    if (!scenario || typeof scenario.name !== 'string' || typeof scenario.run !== 'function') {
      throw new Error(`${files[index]} does not export a fault scenario ({ name, run })`)
    }
    return scenario
  })
}

/** The longest a surviving instance may take to finish a run (docs/live-results.md). */
export const TAKEOVER_TARGET_MS = 30_000

/** Waits until `check` holds (polled every 100 ms), failing after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000
) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(100)
  }
}

/** A personal API token of the campaign's GM. */
export async function apiTokenOf(gmId: number) {
  const { default: User } = await import('#models/user')
  const { ApiTokenService } = await import('#services/api/api_token_service')
  const gm = await User.findOrFail(gmId)
  const { value } = await new ApiTokenService().create(gm, { name: 'Fault benchmark' })
  return value
}

/** `POST /api/v1/campaigns/:id/polls` on one instance. */
export function launchOn(url: string, token: string, campaignId: number, body: unknown) {
  return fetch(`${url}/api/v1/campaigns/${campaignId}/polls`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

/** `POST /api/v1/runs/:id/end` on one instance. */
export function endOn(url: string, token: string, runId: number) {
  return fetch(`${url}/api/v1/runs/${runId}/end`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  })
}

/** Latency on every call tied to these users (`null` clears). */
export async function setLatency(emulator: BenchEmulator, userIds: string[], ms: number | null) {
  await Promise.all(userIds.map((id) => emulator.post(`/users/${id}/latency`, { ms })))
}

export async function callCount(emulator: BenchEmulator, key: string) {
  const stats = await emulator.stats()
  return (stats.counts as unknown as Record<string, number>)[key] ?? 0
}

/** The channels' Twitch polls still ACTIVE, as Helix lists them to each streamer. */
export async function activePolls(context: FaultContext, tokens: BenchTokens[]) {
  let active = 0
  for (const token of tokens) {
    const response = await fetch(
      `${context.emulator.helixUrl}/polls?broadcaster_id=${token.twitchUserId}`,
      { headers: { 'Authorization': `Bearer ${token.accessToken}`, 'Client-Id': context.clientId } }
    )
    const { data } = (await response.json()) as { data: { status: string }[] }
    active += data.filter((poll) => poll.status === 'ACTIVE').length
  }
  return active
}

/** Runs left `launching` or `ending`. */
export async function openRuns() {
  const { default: PollRun } = await import('#models/poll_run')
  const runs = await PollRun.query().whereIn('status', ['launching', 'ending'])
  return runs.length
}

/** The status of the campaign's (only) run. */
export async function runStatus(campaignId: number) {
  const { default: PollRun } = await import('#models/poll_run')
  const run = await PollRun.query().where('campaign_id', campaignId).first()
  return run?.status ?? null
}
