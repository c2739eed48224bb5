/*
|--------------------------------------------------------------------------
| Token refresh benchmark — npm run bench:refresh [-- --sizes=1000,5000,20000 --concurrency=8]
|--------------------------------------------------------------------------
|
| The emulator answers every token call after 50 ms; N streamers with active
| authorization, all due, go through one refresh cycle, read from the
| database in keyset pages as the scheduler reads them. Prints the wall
| time, the ideal N × 50 ms ÷ concurrency, their ratio, database queries per
| streamer and peak memory (see heap_sampler.ts for how). Targets: ratio
| ≤ 1.3, ≤ 2 queries per streamer, every cycle over before the next tick
| could start it again (the shortest gap between two scheduled ticks), and
| flat memory: the peak live heap at the largest N at most 1.25 × the one at
| the smallest N. `--concurrency` (default TOKEN_REFRESH_CONCURRENCY) is
| the refreshes in flight; the moonshot row is
| `--sizes=1000,100000 --concurrency=32`.
|
| Uses its own database (BENCH_DB_DATABASE, default chorus_bench, created and
| migrated here) and Redis database (BENCH_REDIS_DB, default 14): it never
| touches development or test data. A first, unmeasured cycle over 200
| streamers warms up the JIT, the connection pools and the emulator.
| Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { startBenchApp } from './bench_app.js'
import { HEAP_METHOD, startHeapSampler } from './heap_sampler.js'

const LATENCY_MS = 50
const TARGET_RATIO = 1.3
const TARGET_QUERIES = 2
const TARGET_HEAP_GROWTH = 1.25
const WARMUP_SIZE = 200

const { values } = parseArgs({
  options: { sizes: { type: 'string' }, concurrency: { type: 'string' } },
})
const sizes = (values.sizes ?? process.env.BENCH_SIZES ?? '1000,5000,20000')
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => Number.isInteger(size) && size > 0)

const { app, emulator } = await startBenchApp({
  latencyMs: LATENCY_MS,
  redisDb: 14,
})

const { DateTime } = await import('luxon')
const { RefreshCycle } = await import('#services/tokens/refresh_cycle')
const { RefreshSelection } = await import('#services/tokens/refresh_selection')
const { RefreshSchedule } = await import('#services/tokens/refresh_schedule')
const { TokenRefreshSettings } = await import('#services/tokens/token_refresh_settings')
const { startQueryCounter } = await import('#tests/helpers/query_counter')
const { resetBenchData, seedStreamers } = await import('./bench_database.js')

interface Result {
  n: number
  wallMs: number
  idealMs: number
  ratio: number
  queriesPerStreamer: number
  peakRssMb: number
  peakHeapMb: number
  peakLiveHeapMb: number
  cpuMsPerStreamer: number
  success: number
  failed: number
  twitchCalls: number
}

/**
 * N due streamers in the database and their tokens at the emulator. Kept in
 * its own function so nothing of the seeding stays reachable while the
 * cycle is measured.
 */
async function seed(n: number) {
  await resetBenchData(emulator, ['token-refresh:*'])
  const tokens = await emulator.connectUsers(n, `bench${n}`)
  await seedStreamers(tokens, DateTime.now())
}

async function measure(n: number, concurrency: number): Promise<Result> {
  await seed(n)
  const selection = await app.container.make(RefreshSelection)
  const cycle = await app.container.make(RefreshCycle)

  const heap = startHeapSampler()
  const counter = startQueryCounter({ keepStatements: false })
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const report = await cycle.run(selection.withActiveAuthorization(), {
    trigger: 'command',
    concurrency,
  })
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  counter.stop()
  const peaks = heap.stop()

  const idealMs = (n * LATENCY_MS) / concurrency
  const twitch = await emulator.refreshCalls()
  return {
    n,
    wallMs,
    idealMs,
    ratio: wallMs / idealMs,
    queriesPerStreamer: counter.count / n,
    peakRssMb: peaks.peakRssMb,
    peakHeapMb: peaks.peakHeapMb,
    peakLiveHeapMb: peaks.peakLiveHeapMb,
    cpuMsPerStreamer: (cpu.user + cpu.system) / 1000 / n,
    success: report.success,
    failed: report.failed,
    twitchCalls: twitch.calls,
  }
}

/** The shortest time between two scheduled ticks over a week: a cycle must end within it. */
function shortestTickGapMs(timezone: string) {
  const schedule = new RefreshSchedule(timezone)
  let tick = schedule.nextTickAfter(DateTime.now())
  let shortest = Number.POSITIVE_INFINITY
  for (let i = 0; i < 7 * 7; i++) {
    const next = schedule.nextTickAfter(tick)
    shortest = Math.min(shortest, next.diff(tick).as('milliseconds'))
    tick = next
  }
  return shortest
}

function print(results: Result[], concurrency: number, tickGapMs: number) {
  const header = [
    'N',
    'wall',
    'ideal',
    'ratio',
    'queries/streamer',
    'CPU/streamer',
    'peak RSS',
    'peak heap',
    'peak live heap',
    'success',
    'failed',
    'Twitch calls',
  ]
  const rows = results.map((result) => [
    String(result.n),
    `${(result.wallMs / 1000).toFixed(2)} s`,
    `${(result.idealMs / 1000).toFixed(2)} s`,
    result.ratio.toFixed(3),
    result.queriesPerStreamer.toFixed(3),
    `${result.cpuMsPerStreamer.toFixed(2)} ms`,
    `${result.peakRssMb.toFixed(0)} MB`,
    `${result.peakHeapMb.toFixed(0)} MB`,
    `${result.peakLiveHeapMb.toFixed(1)} MB`,
    String(result.success),
    String(result.failed),
    String(result.twitchCalls),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length))
  )
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')
  console.log(
    `\nToken refresh benchmark: ${LATENCY_MS} ms per token call, concurrency ${concurrency}, ` +
      `ideal = N x ${LATENCY_MS} ms / ${concurrency}`
  )
  console.log(line(header))
  for (const row of rows) console.log(line(row))
  console.log(
    'CPU/streamer: CPU time of this process (GC threads included) per streamer; when the wall ' +
      'ratio misses while it stays flat, the machine was busy with other work'
  )
  console.log(`Memory: ${HEAP_METHOD}`)
  console.log(
    `Targets: ratio <= ${TARGET_RATIO}, queries per streamer <= ${TARGET_QUERIES}, ` +
      `wall <= ${(tickGapMs / 3_600_000).toFixed(1)} h (the shortest gap between two ticks)`
  )
}

/**
 * Flat memory: the peak live heap of the largest N against the smallest N.
 * Null when fewer than two sizes ran.
 */
function heapGrowth(results: Result[]) {
  if (results.length < 2) return null
  const bySize = [...results].sort((a, b) => a.n - b.n)
  const smallest = bySize[0]
  const largest = bySize[bySize.length - 1]
  const growth = largest.peakLiveHeapMb / smallest.peakLiveHeapMb
  console.log(
    `Peak live heap at N = ${largest.n}: ${largest.peakLiveHeapMb.toFixed(1)} MB = ` +
      `${growth.toFixed(3)} x the ${smallest.peakLiveHeapMb.toFixed(1)} MB at N = ${smallest.n} ` +
      `(target <= ${TARGET_HEAP_GROWTH}): ${growth <= TARGET_HEAP_GROWTH ? 'met' : 'MISSED'}`
  )
  return growth
}

let exitCode = 0
try {
  const settings = await app.container.make(TokenRefreshSettings)
  const concurrency = values.concurrency ? Number(values.concurrency) : settings.concurrency
  const tickGapMs = shortestTickGapMs(settings.timezone)
  console.log(`Warming up with ${WARMUP_SIZE} streamers…`)
  await measure(WARMUP_SIZE, concurrency)
  const results: Result[] = []
  for (const n of sizes) {
    console.log(`Seeding and refreshing ${n} streamers…`)
    results.push(await measure(n, concurrency))
  }
  print(results, concurrency, tickGapMs)
  const growth = heapGrowth(results)
  const missed = results.filter(
    (result) =>
      result.ratio > TARGET_RATIO ||
      result.wallMs > tickGapMs ||
      result.queriesPerStreamer > TARGET_QUERIES ||
      result.failed > 0 ||
      result.success !== result.n ||
      result.twitchCalls !== result.n
  )
  if (missed.length > 0) {
    console.log(`Missed for N = ${missed.map((result) => result.n).join(', ')}`)
    exitCode = 1
  } else if (growth !== null && growth > TARGET_HEAP_GROWTH) {
    console.log('Missed: memory grows with the number of streamers')
    exitCode = 1
  } else {
    console.log('All targets met.')
  }
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  await app.terminate()
  await emulator.stop()
}
process.exit(exitCode)
