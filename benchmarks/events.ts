/*
|--------------------------------------------------------------------------
| Twitch events benchmark — npm run bench:events [-- --channels=50 --seconds=10]
|--------------------------------------------------------------------------
|
| One web instance (bin/server.ts, EventSub on) behind the project's
| emulator (its own process). 50 streamers with active authorization are
| subscribed by the instance's boot reconciliation, a poll is launched on
| every channel, then votes are cast on the emulator's control API as fast
| `--rate` a second (250 by default, spread over the channels) for
| `--seconds`: each vote is one `channel.poll.progress` delivery to the
| instance. A GM's Transmit subscriber listens on Redis.
| Prints:
|
| - deliveries handled per second, and their count (target >= 2000);
| - p95 time of the webhook's answer, as the emulator measured it (<= 50 ms);
| - p95 time from the vote to the GM's subscriber seeing it (<= 1 s);
| - Helix poll reads during the poll (target 0);
| - votes lost and counted twice (PostgreSQL against the emulator; 0 and 0).
|
| Uses its own database (BENCH_EVENTS_DB_DATABASE, default
| chorus_bench_events, created and migrated here) and Redis database
| (BENCH_EVENTS_REDIS_DB, default 12). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { parseArgs } from 'node:util'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { PassThrough } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBenchApp } from './bench_app.js'
import { unusedPort } from '#tests/helpers/ports'

const TARGETS = { deliveries: 2000, answerP95Ms: 50, subscriberP95Ms: 1000, helixReads: 0 }
const SECRET = 'chorus-bench-eventsub-secret'
const VOTES_IN_FLIGHT = 24

const { values } = parseArgs({
  options: {
    channels: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
  },
})
const channelCount = Number(values.channels ?? 50)
const windowSeconds = Number(values.seconds ?? 10)
/** Votes per second over all channels: 2 500 in 10 s by default. */
const votesPerSecond = Number(values.rate ?? 250)

const port = await unusedPort()
const appUrl = `http://127.0.0.1:${port}`
Object.assign(process.env, {
  TWITCH_EVENTSUB_SECRET: SECRET,
  TWITCH_EVENTSUB_CALLBACK_URL: `${appUrl}/webhooks/twitch/eventsub`,
  APP_URL: appUrl,
  PORT: String(port),
  SESSION_DRIVER: 'memory',
})
const { app, emulator } = await startBenchApp({
  latencyMs: 0,
  database: process.env.BENCH_EVENTS_DB_DATABASE ?? 'chorus_bench_events',
  redisDb: process.env.BENCH_EVENTS_REDIS_DB ?? '12',
})

const { DateTime } = await import('luxon')
const { default: env } = await import('#start/env')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { Transmit } = await import('@boringnode/transmit')
const { transmitRedisTransport } = await import('#config/transmit')
const { default: User } = await import('#models/user')
const { default: Campaign } = await import('#models/campaign')
const { default: Poll } = await import('#models/poll')
const { default: PollChannel } = await import('#models/poll_channel')
const { PollLaunchService } = await import('#services/polls/poll_launch_service')
const { PollEndService } = await import('#services/polls/poll_end_service')
const { PollResultsPoller } = await import('#services/polls/poll_results_poller')
const { ensureDatabase, emptyTables, seedStreamers } = await import('./bench_database.js')

async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`)
  return response.json() as Promise<T>
}

interface Delivery {
  messageId: string
  retry: number
  duplicate: boolean
  outcome: string
  status: number | null
  durationMs: number
  subscriptionType: string
}

interface Stats {
  counts: Record<string, number>
  deliveries: Record<string, number>
}

async function prepare() {
  await ensureDatabase({
    host: env.get('DB_HOST', '127.0.0.1'),
    port: env.get('DB_PORT', 5432),
    user: env.get('DB_USER', 'postgres'),
    password: env.get('DB_PASSWORD', ''),
    database: env.get('DB_DATABASE', 'chorus_bench_events'),
  })
  const migrator = new MigrationRunner(db, app, { direction: 'up' })
  await migrator.run()
  if (migrator.error) throw migrator.error
  await emptyTables()
  await emulator.reset()
  const keys = [
    ...(await redis.keys('polls:*')),
    ...(await redis.keys('eventsub:*')),
    ...(await redis.keys('twitch:app-token*')),
  ]
  if (keys.length > 0) await redis.del(...keys)
}

/** The web instance under test, in its own process, with the same environment. */
async function startInstance() {
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      await fetch(appUrl, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) throw new Error('the web instance did not start')
      await sleep(200)
    }
  }
  return {
    /** CPU time the instance used so far, in ms (user + system, from /proc). */
    cpuMs() {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
      } catch {
        return Number.NaN
      }
    },
    async stop() {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

function percentile(samples: number[], p: number) {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

let exitCode = 0
let instance: Awaited<ReturnType<typeof startInstance>> | null = null
const transmit = (() => {
  // This process is a console one (no transport in its config): the
  // subscriber listens on the web instances' Redis channel itself.
  const config = app.config.get<any>('transmit')
  return new Transmit(
    { ...config, transport: transmitRedisTransport },
    transmitRedisTransport.driver()
  )
})()
try {
  console.log(`Preparing ${channelCount} channels…`)
  await prepare()
  const tokens = await emulator.connectUsers(channelCount, 'events')
  const now = DateTime.now()
  await seedStreamers(tokens, now)
  // Tokens valid for hours: the launch does not refresh them.
  await db.from('streamers').update({ token_expires_at: now.plus({ hours: 4 }).toJSDate() })
  const campaign = await Campaign.firstOrFail()
  const gm = await User.findOrFail(campaign.ownerId)
  const poll = await Poll.create({
    campaignId: campaign.id,
    position: 1,
    title: 'Which way through the forest?',
    choices: ['North', 'East', 'South'],
    durationSeconds: windowSeconds + 60,
    channelPointsPerVote: null,
  })

  instance = await startInstance()
  const wanted = channelCount * 3 + 1
  const subscribeStarted = performance.now()
  for (;;) {
    const subscriptions = await control<{ data: { status: string }[] }>('/eventsub/subscriptions')
    const enabled = subscriptions.data.filter((subscription) => subscription.status === 'enabled')
    if (enabled.length >= wanted) break
    if (performance.now() - subscribeStarted > 60_000) {
      throw new Error(`only ${enabled.length}/${wanted} subscriptions enabled after 60 s`)
    }
    await sleep(200)
  }
  const subscribeMs = performance.now() - subscribeStarted

  const launcher = await app.container.make(PollLaunchService)
  const { run } = await launcher.launch(campaign, poll, gm, `bench-events-${Date.now()}`)
  await run.load('channels')
  const channels = run.channels.filter((channel) => channel.outcome === 'created')
  const pollByLogin = new Map(
    channels.map((channel) => [channel.twitchLogin, channel.twitchPollId!])
  )
  const channelIndex = new Map(channels.map((channel, index) => [channel.twitchLogin, index]))

  // The GM's subscriber: what the run's Transmit channel carries, through Redis.
  const stream = new PassThrough()
  const sent: { at: number; expected: number }[][] = channels.map(() => [])
  const seenTotal = channels.map(() => 0)
  const subscriberLatencies: number[] = []
  let buffered = ''
  stream.on('data', (chunk: Buffer) => {
    const at = performance.now()
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue
      const message = JSON.parse(line.slice(6))
      const snapshot = message?.payload?.run
      if (!snapshot?.channels) continue
      for (const channel of snapshot.channels as { login: string; total: number }[]) {
        const index = channelIndex.get(channel.login)
        if (index === undefined || channel.total <= seenTotal[index]) continue
        seenTotal[index] = channel.total
        const pending = sent[index]
        while (pending.length > 0 && pending[0].expected <= channel.total) {
          subscriberLatencies.push(at - pending.shift()!.at)
        }
      }
    }
  })
  transmit.createStream({
    uid: 'bench-gm',
    request: undefined as never,
    response: stream as never,
    context: {},
  })
  await transmit.subscribe({ uid: 'bench-gm', channel: `polls/runs/${run.id}`, context: {} })
  await sleep(300)

  const before = await control<Stats>('/stats')
  const cpuBefore = instance.cpuMs()
  const answerTimes = new Map<string, number>()
  let collecting = true
  const collector = (async () => {
    while (collecting) {
      await sleep(250)
      const { data } = await control<{ data: Delivery[] }>(
        '/eventsub/deliveries?messageType=notification&limit=2000'
      )
      for (const delivery of data) {
        if (delivery.subscriptionType !== 'channel.poll.progress') continue
        const key = `${delivery.messageId}:${delivery.retry}:${delivery.duplicate}`
        if (!answerTimes.has(key) && delivery.status !== null)
          answerTimes.set(key, delivery.durationMs)
      }
    }
  })()

  console.log(
    `Voting on ${channels.length} channels for ${windowSeconds} s, ${votesPerSecond} votes a second…`
  )
  const windowStarted = performance.now()
  let votes = 0
  let next = 0
  const totalVotes = Math.round(votesPerSecond * windowSeconds)
  await Promise.all(
    Array.from({ length: VOTES_IN_FLIGHT }, async () => {
      while (next < totalVotes) {
        const slot = next++
        // Each vote at its time: `votesPerSecond`, evenly spread.
        const due = windowStarted + (slot * 1000) / votesPerSecond
        const wait = due - performance.now()
        if (wait > 0) await sleep(wait)
        const index = slot % channels.length
        const login = channels[index].twitchLogin
        const at = performance.now()
        const { data } = await control<{ data: { choices: { votes: number }[] } }>(
          `/polls/${pollByLogin.get(login)}/votes`,
          { choiceIndex: votes % 3, count: 1 }
        )
        votes++
        const expected = data.choices.reduce((sum, choice) => sum + choice.votes, 0)
        sent[index].push({ at, expected })
        sent[index].sort((a, b) => a.expected - b.expected)
      }
    })
  )
  await control('/eventsub/idle', {})
  const handledMs = performance.now() - windowStarted
  // Everything delivered: give the last pushes their second.
  const waitDeadline = performance.now() + 3000
  while (sent.some((pending) => pending.length > 0) && performance.now() < waitDeadline) {
    await sleep(50)
  }
  collecting = false
  await collector
  const after = await control<Stats>('/stats')
  const cpuPerDelivery =
    (instance.cpuMs() - cpuBefore) /
    Math.max(1, after.deliveries.notification - before.deliveries.notification)
  const helixReads = after.counts['polls.get'] - before.counts['polls.get']
  const delivered = after.deliveries.notification - before.deliveries.notification
  const failed = (after.deliveries.failed ?? 0) - (before.deliveries.failed ?? 0)
  const unseen = sent.reduce((sum, pending) => sum + pending.length, 0)

  // Stored against counted by Twitch, channel by channel.
  let lost = 0
  let countedTwice = 0
  const stored = await PollChannel.query().where('poll_run_id', run.id)
  for (const channel of stored) {
    if (!channel.twitchPollId) continue
    const { data } = await control<{ data: { choices: { votes: number }[] } }>(
      `/polls/${channel.twitchPollId}`
    )
    data.choices.forEach((choice, index) => {
      const mine = channel.votes?.[index] ?? 0
      if (mine < choice.votes) lost += choice.votes - mine
      if (mine > choice.votes) countedTwice += mine - choice.votes
    })
  }
  const viaEvents = stored.filter((channel) => channel.resultsVia === 'events').length

  const ender = await app.container.make(PollEndService)
  await run.refresh()
  await ender.endNow(run)

  const answerP95 = percentile([...answerTimes.values()], 95)
  const subscriberP95 = percentile(subscriberLatencies, 95)
  const rows: [string, string][] = [
    ['channels (live by event)', `${channels.length} (${viaEvents})`],
    ['subscriptions enabled at boot', `${wanted} in ${(subscribeMs / 1000).toFixed(1)} s`],
    ['votes cast', String(votes)],
    [
      'deliveries handled',
      `${delivered} in ${(handledMs / 1000).toFixed(1)} s = ${(delivered / (handledMs / 1000)).toFixed(0)}/s (target >= ${TARGETS.deliveries}; failed answers ${failed})`,
    ],
    [
      'webhook answer p50 / p95',
      `${percentile([...answerTimes.values()], 50).toFixed(1)} / ${answerP95.toFixed(1)} ms (target p95 <= ${TARGETS.answerP95Ms} ms, ${answerTimes.size} sampled)`,
    ],
    [
      'vote -> GM subscriber p50 / p95',
      `${percentile(subscriberLatencies, 50).toFixed(0)} / ${subscriberP95.toFixed(0)} ms (target p95 <= ${TARGETS.subscriberP95Ms} ms; ${unseen} never seen)`,
    ],
    ['Helix poll reads during the poll', `${helixReads} (target ${TARGETS.helixReads})`],
    [
      'instance CPU per delivery',
      `${cpuPerDelivery.toFixed(2)} ms (machine load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    ],
    ['lost', String(lost)],
    ['counted twice', String(countedTwice)],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(`\nTwitch events benchmark (one instance, ${windowSeconds} s of votes)`)
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`)

  const met =
    delivered >= TARGETS.deliveries &&
    answerP95 <= TARGETS.answerP95Ms &&
    subscriberP95 <= TARGETS.subscriberP95Ms &&
    helixReads === TARGETS.helixReads &&
    lost === 0 &&
    countedTwice === 0 &&
    unseen === 0
  console.log(met ? 'All targets met.' : 'Target missed.')
  if (!met) exitCode = 1
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  await transmit.shutdown().catch(() => {})
  const poller = await app.container.make(PollResultsPoller)
  await poller.stopAll()
  await instance?.stop()
  await app.terminate()
  await emulator.stop()
}
process.exit(exitCode)
