/*
|--------------------------------------------------------------------------
| Overlay benchmark — npm run bench:overlay
|   [-- --clients=5000 --channels=50 --seconds=30 --instances=1]
|--------------------------------------------------------------------------
|
| One web instance (spawned, with a probe measuring its event loop and
| memory) holds 5 000 overlay event streams opened by this process, spread
| over the overlays of 50 channels that take part in one poll run. Votes
| arrive on the channels in the emulator for 30 s; the results poller of an
| instance reads them and broadcasts through Transmit (Redis transport).
| Prints:
|
| - connections held to the end (target: all);
| - p95 latency from the server knowing the results (the snapshot's server
|   time) to an overlay receiving them (target ≤ 1 s);
| - the server's peak RSS (target < 1 GB) and what one client costs: the
|   peak RSS above the instance's own before any client came, and the live
|   heap (after a full collection) above it, each divided by the clients;
| - the server's event-loop delay p99 during the votes.
|
| With `--instances 2` (or more) the clients reach that many web instances
| through one address, a balancer sticky on the session cookie
| (bench_balancer.ts): each instance holds its share of the streams, the run
| is read by one of them and its results reach the overlays of every
| instance through Redis. The same targets hold for each instance, whose
| figures are printed one by one (`--clients` is the total).
|
| Uses its own database (BENCH_OVERLAY_DB_DATABASE, default
| chorus_bench_overlay) and Redis database (BENCH_OVERLAY_REDIS_DB, default
| 12). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import http from 'node:http'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBenchApp } from './bench_app.js'
import { numericOptions } from './bench_options.js'
import { percentile, printReport } from './bench_report.js'
import { unusedPort } from '#tests/helpers/ports'

const TARGET_P95_MS = 1000
const TARGET_RSS_MB = 1024
const CONNECT_CONCURRENCY = 50
/** The snapshot's server time in an overlay message (`poll.serverNow`). */
const SERVER_NOW = /"serverNow":"([^"]+)"/

const {
  clients: clientCount,
  channels: channelCount,
  seconds: voteSeconds,
  instances: instanceCount,
} = numericOptions({ clients: 5000, channels: 50, seconds: 30, instances: 1 })
const { app, emulator } = await startBenchApp({ latencyMs: 0, name: 'overlay', redisDb: 12 })

const { default: Streamer } = await import('#models/streamer')
const { PollEndService } = await import('#services/polls/poll_end_service')
const { PollResultsPoller } = await import('#services/polls/poll_results_poller')
const { PollSettings } = await import('#services/polls/poll_settings')
const { OverlayService } = await import('#services/overlays/overlay_service')
const { mapWithConcurrency } = await import('#services/concurrency')
const { resetBenchData } = await import('./bench_database.js')
const { startBalancer } = await import('./bench_balancer.js')
const { seedCampaignPoll, launchBenchPoll, stopBench } = await import('./bench_poll.js')

/** This process only launches; the web instance reads results with its own settings. */
app.container.swap(PollSettings, () =>
  Object.assign(new PollSettings(), {
    minReadIntervalMs: 500,
    maxReadIntervalMs: 500,
    readsPerSecond: 200,
    quietBackoffFactor: 1,
  })
)

/** The web instance under test, with the probe, sharing this database and Redis. */
async function startServer(port: number) {
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import=@poppinss/ts-exec',
      '--import=./benchmarks/overlay_probe.ts',
      'bin/server.ts',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        APP_URL: `http://127.0.0.1:${port}`,
        SESSION_DRIVER: 'redis',
        OVERLAY_REQUESTS_PER_MINUTE: '1000000',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }
  )
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/overlay/not-a-key-not-a-key-not-a-key`)
      if (response.status === 404) return child
    } catch {}
    await sleep(200)
  }
  throw new Error('the web instance did not start')
}

function ask(child: ChildProcess, question: 'stats' | 'reset') {
  if (child.exitCode !== null) throw new Error('a web instance exited')
  return new Promise<Record<string, number>>((resolve) => {
    const onMessage = (message: { type: string } & Record<string, number>) => {
      if (message.type !== question) return
      child.off('message', onMessage)
      resolve(message)
    }
    child.on('message', onMessage)
    child.send(question)
  })
}

/** One overlay page without a browser: cookies, event stream, subscription with the key. */
class OverlayClient {
  /** The index of the instance holding the stream (the balancer says which). */
  instance = 0
  held = false
  subscribed = false
  cookies = new Map<string, string>()
  request: http.ClientRequest | null = null
  readonly uid = crypto.randomUUID()
  /** ms from the snapshot's server time to its arrival, one per update. */
  readonly latencies: number[] = []

  constructor(
    readonly port: number,
    readonly key: string
  ) {}

  async open(agent: http.Agent) {
    const page = await this.#call('GET', `/overlay/${this.key}`, agent)
    const channel = page.body.match(/data-channel="([^"]+)"/)![1]
    await new Promise<void>((resolve, reject) => {
      this.request = http.get(
        {
          host: '127.0.0.1',
          port: this.port,
          path: `/__transmit/events?uid=${this.uid}`,
          headers: { Cookie: this.#cookieHeader(), Accept: 'text/event-stream' },
          agent: false,
        },
        (response) => {
          this.held = response.statusCode === 200
          this.instance = Number(response.headers['x-bench-instance'] ?? 0)
          response.setEncoding('utf8')
          let buffer = ''
          response.on('data', (chunk: string) => {
            buffer += chunk
            let end = buffer.indexOf('\n\n')
            while (end !== -1) {
              this.#frame(buffer.slice(0, end))
              buffer = buffer.slice(end + 2)
              end = buffer.indexOf('\n\n')
            }
          })
          response.on('close', () => (this.held = false))
          resolve()
        }
      )
      this.request.on('error', reject)
    })
    const subscribed = await this.#call('POST', '/__transmit/subscribe', agent, {
      body: JSON.stringify({ uid: this.uid, channel }),
      headers: {
        'Content-Type': 'application/json',
        'X-XSRF-TOKEN': decodeURIComponent(this.cookies.get('XSRF-TOKEN') ?? ''),
        'X-Overlay-Key': this.key,
      },
    })
    this.subscribed = subscribed.status === 204
  }

  close() {
    this.request?.destroy()
  }

  /**
   * Only the server time of a poll update is read, without parsing the
   * whole message: thousands of clients share this process, whose own delay
   * would count as the server's.
   */
  #frame(frame: string) {
    const received = Date.now()
    if (!frame.includes('"type":"poll"')) return
    const serverNow = SERVER_NOW.exec(frame)
    if (serverNow) this.latencies.push(received - Date.parse(serverNow[1]))
  }

  #cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  #call(
    method: string,
    path: string,
    agent: http.Agent,
    options: { body?: string; headers?: Record<string, string> } = {}
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent,
          headers: { ...options.headers, Cookie: this.#cookieHeader() },
        },
        (response) => {
          for (const header of response.headers['set-cookie'] ?? []) {
            const [pair] = header.split(';')
            const separator = pair.indexOf('=')
            this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim())
          }
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (body += chunk))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
        }
      )
      request.on('error', reject)
      request.end(options.body)
    })
  }
}

/** The latency and memory figures of some clients and the instance(s) holding them. */
function figures(
  of: OverlayClient[],
  stats: Record<string, number>,
  baseline: Record<string, number>
) {
  const latencies = of.flatMap((client) => client.latencies)
  const held = of.filter((client) => client.held).length
  const perClientKb = (mb: number) => ((mb * 1024) / Math.max(1, of.length)).toFixed(0)
  return {
    latencies,
    held,
    p95: percentile(latencies, 95),
    rows: [
      ['connections held', `${held}/${of.length} (target: all)`],
      ['overlay updates received', String(latencies.length)],
      [
        'vote → overlay latency',
        `p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms (target p95 <= ${TARGET_P95_MS} ms)`,
      ],
      [
        'server RSS',
        `${stats.rssMb.toFixed(0)} MB at the end, ${stats.peakRssMb.toFixed(0)} MB peak (target < ${TARGET_RSS_MB} MB); ${baseline.rssMb.toFixed(0)} MB before any client`,
      ],
      [
        'memory per client',
        `${perClientKb(stats.peakRssMb - baseline.rssMb)} kB of peak RSS, ${perClientKb(stats.connectedLiveHeapMb - baseline.liveHeapMb)} kB of live heap`,
      ],
      ['server event-loop delay p99', `${stats.eventLoopP99Ms.toFixed(1)} ms`],
    ] as [string, string][],
  }
}

const servers: ChildProcess[] = []
let balancer: Awaited<ReturnType<typeof startBalancer>> | null = null
const clients: OverlayClient[] = []
let exitCode = 0
try {
  console.log(
    `Preparing ${channelCount} channels and ${clientCount} overlay clients on ${instanceCount} instance(s)…`
  )
  await resetBenchData(emulator, ['polls:*', 'overlay_limit*'])
  const tokens = await emulator.connectUsers(channelCount, 'overlay')
  const seeded = await seedCampaignPoll(tokens, voteSeconds + 60)
  const streamers = await Streamer.query().orderBy('id')
  const overlays = await app.container.make(OverlayService)
  const keys = await mapWithConcurrency(streamers, 8, async (streamer) => {
    const { key } = await overlays.linkFor(streamer)
    return key
  })

  const ports = await Promise.all(Array.from({ length: instanceCount }, () => unusedPort()))
  for (const port of ports) servers.push(await startServer(port))
  const baselines = await Promise.all(servers.map((server) => ask(server, 'stats')))
  let address = ports[0]
  if (instanceCount > 1) {
    balancer = await startBalancer(0, ports)
    address = balancer.port
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECT_CONCURRENCY })
  const connectStarted = Date.now()
  await mapWithConcurrency(
    Array.from({ length: clientCount }, (_, index) => index),
    CONNECT_CONCURRENCY,
    async (index) => {
      const client = new OverlayClient(address, keys[index % keys.length])
      clients.push(client)
      await client.open(agent)
    }
  )
  const subscribed = clients.filter((client) => client.subscribed).length
  console.log(
    `${subscribed}/${clientCount} overlays subscribed in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s`
  )
  const connected = await Promise.all(servers.map((server) => ask(server, 'stats')))

  const run = await launchBenchPoll(app, seeded)
  const pollIds = run.channels.flatMap((channel) =>
    channel.twitchPollId ? [channel.twitchPollId] : []
  )
  console.log(`Poll live on ${pollIds.length} channels; votes for ${voteSeconds} s…`)

  // Console processes broadcast nothing (no Redis transport): the watcher
  // of a web instance takes the run over and reads and broadcasts it.
  const poller = await app.container.make(PollResultsPoller)
  await poller.stop(run.id)
  const heardOf = () => clients.some((client) => client.latencies.length > 0)
  const takenOver = Date.now() + 30_000
  while (!heardOf() && Date.now() < takenOver) await sleep(250)
  await sleep(1000)
  clients.forEach((client) => (client.latencies.length = 0))
  await Promise.all(servers.map((server) => ask(server, 'reset')))
  const votesUntil = Date.now() + voteSeconds * 1000
  let votes = 0
  while (Date.now() < votesUntil) {
    const pollId = pollIds[Math.floor(Math.random() * pollIds.length)]
    const response = await fetch(`${emulator.url}/_emulator/polls/${pollId}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ choiceIndex: Math.floor(Math.random() * 3), count: 1 }),
    })
    if (response.ok) votes++
    await sleep(25)
  }
  await sleep(1500)
  const stats: Record<string, number>[] = await Promise.all(
    servers.map(async (server, index) => ({
      ...(await ask(server, 'stats')),
      connectedLiveHeapMb: connected[index].liveHeapMb,
    }))
  )

  await run.refresh()
  const ender = await app.container.make(PollEndService)
  await ender.endNow(run)

  const shares = servers.map((_, index) =>
    figures(
      clients.filter((client) => client.instance === index),
      stats[index],
      baselines[index]
    )
  )
  const all = figures(clients, stats[0], baselines[0])
  const rows: [string, string][] = [
    ['overlay clients (event streams)', String(clientCount)],
    ['channels in the run', String(pollIds.length)],
    ['votes cast in the emulator', `${votes} over ${voteSeconds} s`],
  ]
  if (instanceCount === 1) {
    rows.push(...all.rows)
  } else {
    rows.push(...all.rows.slice(0, 3))
    shares.forEach((share, index) => {
      for (const [label, value] of share.rows) rows.push([`instance ${index + 1}: ${label}`, value])
    })
  }
  const where =
    instanceCount > 1 ? `${instanceCount} instances behind one address` : 'one web instance'
  printReport(`Overlay benchmark (${where})`, rows)

  const met =
    all.held === clientCount &&
    all.p95 <= TARGET_P95_MS &&
    shares.every((share) => share.p95 <= TARGET_P95_MS) &&
    stats.every((instance) => instance.peakRssMb < TARGET_RSS_MB)
  console.log(met ? 'All targets met.' : 'Target missed.')
  if (!met) exitCode = 1
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  clients.forEach((client) => client.close())
  await balancer?.stop()
  for (const server of servers) {
    if (server.exitCode !== null) continue
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    const stuck = setTimeout(() => server.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(stuck)
  }
  await stopBench(app, emulator, null, null)
}
process.exit(exitCode)
