/*
|--------------------------------------------------------------------------
| Fault benchmark — npm run bench:faults
|--------------------------------------------------------------------------
|
| Plays every fault scenario of benchmarks/faults/scenarios (one file each,
| exporting `scenario`: add a file to add a scenario) against real
| processes: the emulator, and web instances on one database and Redis —
| two, one of which is killed (SIGKILL by pid) in the middle of its work
| while the other must finish the run; or one whose Twitch stops
| delivering a chat silently. Short leases and watch intervals keep each
| scenario to seconds. Prints:
|
| - fault scenarios run;
| - votes lost (target 0, Twitch's own non-delivery aside);
| - polls left running on Twitch (target 0), runs left launching/ending (0);
| - the slowest takeover, from the kill to the run finished (target ≤ 30 s);
| - 5xx answered to Twitch's webhooks (target 0).
|
| Uses its own database (BENCH_FAULTS_DB_DATABASE, default
| chorus_bench_faults, created and migrated here) and Redis database
| (BENCH_FAULTS_REDIS_DB, default 11). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { startBenchApp } from './bench_app.js'
import { startWebInstance } from './bench_instance.js'
import { printReport } from './bench_report.js'
import type { FaultResult, InstancePair } from './faults/fault_kit.js'
import { loadScenarios, TAKEOVER_TARGET_MS } from './faults/fault_kit.js'
import { unusedPort } from '#tests/helpers/ports'
import { errorMessage } from '#services/error_message'

/** Leases and intervals of both instances: a dead owner is replaced in seconds. */
const FAST_LIFECYCLE = {
  POLL_WATCH_INTERVAL_MS: '500',
  POLL_OWNER_LOCK_TTL_MS: '2000',
  POLL_READER_LOCK_TTL_MS: '2000',
  POLL_END_RETRY_MS: '500',
}

const { app, emulator } = await startBenchApp({
  latencyMs: 0,
  webhooks: true,
  name: 'faults',
  redisDb: 11,
})
const { resetBenchData } = await import('./bench_database.js')

async function startInstances(): Promise<InstancePair> {
  Object.assign(process.env, FAST_LIFECYCLE)
  const port = await unusedPort()
  // The survivor answers on APP_URL, where Twitch's webhooks go.
  const [dying, survivor] = await Promise.all([
    startWebInstance({ PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }),
    startWebInstance(),
  ])
  return {
    dying: dying as InstancePair['dying'],
    survivor: survivor as InstancePair['survivor'],
  }
}

/** Webhook answers of 500 or more the emulator recorded since its last reset. */
async function serverErrorsToTwitch() {
  const { data } = await emulator.get<{ data: { status: number | null }[] }>(
    '/eventsub/deliveries?limit=2000'
  )
  return data.filter((delivery) => delivery.status !== null && delivery.status >= 500).length
}

const results: { name: string; result: FaultResult | null; error?: string; fiveXx: number }[] = []
try {
  for (const scenario of await loadScenarios()) {
    await resetBenchData(emulator, ['polls:*', 'chorus:chat-vote:*', 'eventsub:*', 'twitch:*'])
    try {
      const result = await scenario.run({
        app,
        emulator,
        clientId: process.env.TWITCH_CLIENT_ID!,
        startInstances,
      })
      results.push({ name: scenario.name, result, fiveXx: await serverErrorsToTwitch() })
    } catch (error) {
      results.push({ name: scenario.name, result: null, error: errorMessage(error), fiveXx: 0 })
    }
  }
} finally {
  await app.terminate()
  await emulator.stop()
}

const finished = results.flatMap(({ result }) => (result ? [result] : []))
const sum = (pick: (result: FaultResult) => number) =>
  finished.reduce((total, result) => total + pick(result), 0)
const votesLost = sum((result) => result.votesLost)
const pollsLeft = sum((result) => result.pollsLeftRunning)
const runsLeft = sum((result) => result.runsLeftOpen)
const slowest = Math.max(0, ...finished.map((result) => result.takeoverMs ?? 0))
const fiveXx = results.reduce((total, entry) => total + entry.fiveXx, 0)
const failed = results.filter((entry) => entry.result === null)

const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED')

function scenarioLine(result: FaultResult, fiveXxToTwitch: number) {
  const takeover =
    result.takeoverMs === null
      ? 'no takeover'
      : `taken over in ${(result.takeoverMs / 1000).toFixed(1)} s`
  return `${takeover}, ${result.votesLost} lost, ${result.pollsLeftRunning} left running, ${fiveXxToTwitch} × 5xx`
}
printReport('Fault benchmark (instances killed mid-work, chat delivery lost)', [
  ['fault scenarios run', `${finished.length} of ${results.length}`],
  ...results.flatMap(({ name, result, error, fiveXx: own }): [string, string][] => [
    [`  ${name}`, result ? scenarioLine(result, own) : `FAILED: ${error}`],
    ...(result?.figures ?? []).map(([label, value]): [string, string] => [`    ${label}`, value]),
  ]),
  ['votes lost (target 0)', `${votesLost} ${verdict(votesLost === 0)}`],
  ['polls left running on Twitch (target 0)', `${pollsLeft} ${verdict(pollsLeft === 0)}`],
  ['runs left launching/ending (target 0)', `${runsLeft} ${verdict(runsLeft === 0)}`],
  [
    `slowest takeover (target ≤ ${TAKEOVER_TARGET_MS / 1000} s)`,
    `${(slowest / 1000).toFixed(1)} s ${verdict(slowest <= TAKEOVER_TARGET_MS)}`,
  ],
  ['5xx answered to Twitch (target 0)', `${fiveXx} ${verdict(fiveXx === 0)}`],
])

const missed =
  failed.length > 0 ||
  votesLost > 0 ||
  pollsLeft > 0 ||
  runsLeft > 0 ||
  slowest > TAKEOVER_TARGET_MS ||
  fiveXx > 0
process.exit(missed ? 1 : 0)
