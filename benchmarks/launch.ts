/*
|--------------------------------------------------------------------------
| Poll launch benchmark — npm run bench:launch [-- --channels=50 --seconds=60]
|--------------------------------------------------------------------------
|
| The emulator answers every call after 100 ms. A campaign with 50 channels,
| all authorized and ready, launches one poll. Prints:
|
| - one round trip: a health check plus a create, done once for one channel;
| - the launch's wall time (health check of every member, a poll created on
|   every channel, the records), median of 5 launches in a row (each ended
|   before the next), and its ratio to that round trip (target ≤ 1.5: the
|   channels are handled in parallel, not one by one);
| - Helix calls per minute while the poll runs (its results poller, votes
|   arriving on every channel), against the 1 000 a minute of one read
|   every 3 s per channel;
| - the wall time of "End now" on every channel.
|
| Uses its own database (BENCH_LAUNCH_DB_DATABASE, default
| chorus_bench_launch, created and migrated here) and Redis database
| (BENCH_LAUNCH_REDIS_DB, default 13). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBenchApp } from './bench_app.js'
import { numericOptions } from './bench_options.js'
import type { BenchTokens } from './bench_emulator.js'
import { printReport } from './bench_report.js'

const LATENCY_MS = 100
const TARGET_RATIO = 1.5
const NAIVE_READS_PER_CHANNEL_PER_MINUTE = 20
const LAUNCHES = 5

const { channels: channelCount, seconds: windowSeconds } = numericOptions({
  channels: 50,
  seconds: 60,
})

const { app, emulator } = await startBenchApp({
  latencyMs: LATENCY_MS,
  database: process.env.BENCH_LAUNCH_DB_DATABASE ?? 'chorus_bench_launch',
  redisDb: process.env.BENCH_LAUNCH_REDIS_DB ?? '13',
})

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: encryption } = await import('@adonisjs/core/services/encryption')
const { default: User } = await import('#models/user')
const { default: Campaign } = await import('#models/campaign')
const { default: Streamer } = await import('#models/streamer')
const { default: Poll } = await import('#models/poll')
const { HealthCheckService } = await import('#services/tokens/health_check_service')
const { StreamerTokenRunner } = await import('#services/tokens/streamer_token_runner')
const { TwitchHelixClient } = await import('#services/twitch/twitch_helix_client')
const { PollLaunchService } = await import('#services/polls/poll_launch_service')
const { PollEndService } = await import('#services/polls/poll_end_service')
const { PollResultsPoller } = await import('#services/polls/poll_results_poller')
const { PollSettings } = await import('#services/polls/poll_settings')
const { migrateBenchDatabase, resetBenchData } = await import('./bench_database.js')

async function helixCounts() {
  const { counts } = await emulator.stats()
  return {
    get: counts['polls.get'],
    create: counts['polls.create'],
    update: counts['polls.update'],
  }
}

async function prepare() {
  await migrateBenchDatabase(app)
  await resetBenchData(emulator, ['polls:*'])
}

/**
 * A GM's campaign whose members hold the emulator's tokens (valid 4 h, not
 * due) and an active poll authorization, and one prepared poll.
 */
async function seed(tokens: BenchTokens[], durationSeconds: number) {
  const now = DateTime.now()
  const gm = await User.create({ displayName: 'Bench GM' })
  const campaign = await Campaign.create({ ownerId: gm.id, name: 'Bench show', description: '' })
  const users = await User.createMany(tokens.map((token) => ({ displayName: token.login })))
  const streamers = await Streamer.createMany(
    tokens.map((token, index) => ({
      userId: users[index].id,
      twitchUserId: token.twitchUserId,
      twitchLogin: token.login,
      twitchDisplayName: token.login,
      broadcasterType: 'affiliate' as const,
      profileImageUrl: '',
      scopes: ['channel:manage:polls', 'channel:read:polls'],
      accessTokenEncrypted: encryption.encrypt(token.accessToken),
      refreshTokenEncrypted: encryption.encrypt(token.refreshToken),
      isActive: true,
      tokenExpiresAt: now.plus({ hours: 4 }),
      lastTokenRefreshAt: now,
    }))
  )
  await db.table('campaign_memberships').multiInsert(
    streamers.map((streamer) => ({
      campaign_id: campaign.id,
      streamer_id: streamer.id,
      status: 'active',
      invited_at: now.toJSDate(),
      accepted_at: now.toJSDate(),
      poll_authorization_granted_at: now.toJSDate(),
      poll_authorization_expires_at: now.plus({ hours: 12 }).toJSDate(),
      created_at: now.toJSDate(),
      updated_at: now.toJSDate(),
    }))
  )
  const poll = await Poll.create({
    campaignId: campaign.id,
    position: 1,
    title: 'Does the party trust the innkeeper?',
    choices: ['Yes', 'No', 'Roll for it'],
    durationSeconds,
    channelPointsPerVote: null,
  })
  return { gm, campaign, streamers, poll }
}

/**
 * The reference: one channel's health check and poll create, done once
 * (median of 5, each on its own channel, each poll ended afterwards).
 */
async function oneRoundTrip(streamers: InstanceType<typeof Streamer>[]) {
  const health = await app.container.make(HealthCheckService)
  const runner = await app.container.make(StreamerTokenRunner)
  const helix = new TwitchHelixClient()
  const samples: number[] = []
  for (const streamer of streamers.slice(0, 5)) {
    const started = performance.now()
    const [checked] = await health.checkStreamers([streamer])
    if (checked.status !== 'ready')
      throw new Error(`reference channel not ready: ${checked.reason}`)
    const { data } = await runner.run(streamer, (token) =>
      helix.createPoll(token, {
        broadcasterId: streamer.twitchUserId,
        title: 'Warm-up',
        choices: ['A', 'B'],
        durationSeconds: 15,
      })
    )
    samples.push(performance.now() - started)
    await runner.run(streamer, (token) => helix.endPoll(token, streamer.twitchUserId, data.id))
  }
  return median(samples)
}

function median(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

let exitCode = 0
try {
  console.log(`Preparing ${channelCount} channels (emulator latency ${LATENCY_MS} ms per call)…`)
  await prepare()
  const tokens = await emulator.connectUsers(channelCount, 'launch')
  const { gm, campaign, streamers, poll } = await seed(tokens, windowSeconds + 60)
  const settings = new PollSettings()

  const roundTripMs = await oneRoundTrip(streamers)
  let readsPerMinute = 0
  let endMs = 0
  let endPatches = 0
  let endStatus = ''
  // Launches one after another (each ended before the next), as in a show.
  const launcher = await app.container.make(PollLaunchService)
  const ender = await app.container.make(PollEndService)
  const launchSamples: number[] = []
  let created = 0
  let creates = 0
  for (let attempt = 1; attempt <= LAUNCHES; attempt++) {
    const last = attempt === LAUNCHES
    if (last) await emulator.post('/auto-votes', { enabled: true })
    const before = await helixCounts()
    const started = performance.now()
    const { run } = await launcher.launch(campaign, poll, gm, `bench-${Date.now()}-${attempt}`)
    launchSamples.push(performance.now() - started)
    await run.load('channels')
    created = run.channels.filter((channel) => channel.outcome === 'created').length
    const after = await helixCounts()
    creates = after.create - before.create
    if (!last) {
      await ender.endNow(run)
      continue
    }

    console.log(
      `Launched ${LAUNCHES} times on ${created}/${channelCount} channels; ` +
        `reading the last one's results for ${windowSeconds} s…`
    )
    const windowStart = await helixCounts()
    const windowStarted = performance.now()
    await sleep(windowSeconds * 1000)
    const windowEnd = await helixCounts()
    readsPerMinute =
      (windowEnd.get - windowStart.get) / ((performance.now() - windowStarted) / 60_000)

    const endStarted = performance.now()
    await run.refresh()
    const ended = await ender.endNow(run)
    endMs = performance.now() - endStarted
    const afterEnd = await helixCounts()
    endPatches = afterEnd.update - windowEnd.update
    endStatus = ended.status
  }
  const launchMs = median(launchSamples)
  const ratio = launchMs / roundTripMs

  const naive = channelCount * NAIVE_READS_PER_CHANNEL_PER_MINUTE
  const rows: [string, string][] = [
    ['channels', String(channelCount)],
    ['one round trip (health check + create, once)', `${roundTripMs.toFixed(0)} ms`],
    [
      `launch wall time (median of ${LAUNCHES})`,
      `${launchMs.toFixed(0)} ms (each: ${launchSamples.map((ms) => ms.toFixed(0)).join(', ')})`,
    ],
    ['launch / round trip', `${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`],
    ['polls created per launch', `${created} (Helix creates: ${creates})`],
    [
      'Helix reads per minute while running',
      `${readsPerMinute.toFixed(0)} (one read every 3 s per channel: ${naive})`,
    ],
    ['reads per channel per minute', (readsPerMinute / channelCount).toFixed(1)],
    ['End now wall time', `${endMs.toFixed(0)} ms (${endPatches} PATCH, ${endStatus})`],
    [
      'settings',
      `launchConcurrency=${settings.launchConcurrency} readsPerSecond=${settings.readsPerSecond} ` +
        `minReadIntervalMs=${settings.minReadIntervalMs} quietBackoffFactor=${settings.quietBackoffFactor}`,
    ],
  ]
  printReport(`Poll launch benchmark (${LATENCY_MS} ms per Twitch call)`, rows)

  if (ratio > TARGET_RATIO || created !== channelCount) {
    console.log('Target missed.')
    exitCode = 1
  } else {
    console.log('All targets met.')
  }
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  const poller = await app.container.make(PollResultsPoller)
  await poller.stopAll()
  await app.terminate()
  await emulator.stop()
}
process.exit(exitCode)
