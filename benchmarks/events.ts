/*
|--------------------------------------------------------------------------
| Twitch events benchmark — npm run bench:events [-- --channels=50 --seconds=10 --transport=webhook|conduit --instances=1]
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
| With `--transport conduit` the events come over the conduit: the instance
| holds a WebSocket session on the conduit's shard (no webhook answer to
| time), and after the votes a second instance joins, then one is killed
| (SIGKILL) while votes go on: it also prints the failover — until a vote
| reaches the GM again, and until the dead instance's shard is reassigned
| (target <= 40 s each).
|
| With `--instances 2` (or more, webhooks) the deliveries go to one address,
| a balancer that spreads them over that many instances (bench_instance.ts);
| the same targets hold, and each instance's share is printed. A conduit
| spreads events over instances by itself (its failover run starts a second).
|
| Uses its own database (BENCH_EVENTS_DB_DATABASE, default
| chorus_bench_events, created and migrated here) and Redis database
| (BENCH_EVENTS_REDIS_DB, default 12). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { startBenchApp } from './bench_app.js'
import { choiceOption, numericOptions } from './bench_options.js'
import { startWebInstance, startWebInstances } from './bench_instance.js'
import type { WebInstance, WebInstances } from './bench_instance.js'
import type { GmSubscriber } from './gm_subscriber.js'
import { paced } from './bench_pacing.js'
import { percentile, printReport, tallyDifference } from './bench_report.js'
import { watchWebhookAnswers } from './webhook_answers.js'
import { measureFailover, waitForShards } from './conduit_failover.js'
import { unusedPort } from '#tests/helpers/ports'

const TARGETS = {
  deliveries: 2000,
  answerP95Ms: 50,
  subscriberP95Ms: 1000,
  helixReads: 0,
  failoverMs: 40_000,
}
const VOTES_IN_FLIGHT = 24

/** `rate`: votes per second over all channels, 2 500 in 10 s by default. */
const {
  channels: channelCount,
  seconds: windowSeconds,
  rate: votesPerSecond,
  instances: instanceCount,
} = numericOptions({ channels: 50, seconds: 10, rate: 250, instances: 1 })
const transport = choiceOption('transport', ['webhook', 'conduit'] as const, 'webhook')
const overConduit = transport === 'conduit'
if (overConduit && instanceCount > 1) {
  console.error('--instances is for webhooks: over a conduit Twitch spreads events over instances')
  process.exit(1)
}

const { app, emulator } = await startBenchApp({
  latencyMs: 0,
  webhooks: true,
  transport,
  name: 'events',
  redisDb: 12,
})

const { default: PollChannel } = await import('#models/poll_channel')
const { PollEndService } = await import('#services/polls/poll_end_service')
const { resetBenchData } = await import('./bench_database.js')
const { seedCampaignPoll, launchBenchPoll, stopBench } = await import('./bench_poll.js')
const { GmSubscriber: Subscriber } = await import('./gm_subscriber.js')

let exitCode = 0
let instance: WebInstances | null = null
let joined: WebInstance | null = null
let subscriber: GmSubscriber | null = null
try {
  console.log(`Preparing ${channelCount} channels…`)
  await resetBenchData(emulator, ['polls:*', 'eventsub:*', 'twitch:app-token*'])
  const tokens = await emulator.connectUsers(channelCount, 'events')
  const seeded = await seedCampaignPoll(tokens, windowSeconds + 60)

  instance = await startWebInstances(instanceCount)
  // Poll types per channel, the revoke, and over a conduit conduit.shard.disabled.
  const wanted = channelCount * 3 + (overConduit ? 2 : 1)
  const subscribeMs = await emulator.waitForSubscriptions(wanted)

  const run = await launchBenchPoll(app, seeded)
  const channels = run.channels.filter((channel) => channel.outcome === 'created')
  const pollByLogin = new Map(
    channels.map((channel) => [channel.twitchLogin, channel.twitchPollId!])
  )

  // The GM's subscriber: what the run's Transmit channel carries, through Redis.
  const watching = await Subscriber.start(
    app,
    run.id,
    channels.map((channel) => channel.twitchLogin)
  )
  subscriber = watching

  const before = await emulator.stats()
  const cpuBefore = instance.cpuMs()
  // A WebSocket frame has no answer to time: only webhooks have this figure.
  await instance.reset()
  const answers = overConduit ? null : await watchWebhookAnswers(emulator, 'channel.poll.progress')

  console.log(
    `Voting on ${channels.length} channels for ${windowSeconds} s, ${votesPerSecond} votes a second…`
  )
  const windowStarted = performance.now()
  let votes = 0
  const totalVotes = Math.round(votesPerSecond * windowSeconds)
  await paced(totalVotes, votesPerSecond, VOTES_IN_FLIGHT, async (slot) => {
    const login = channels[slot % channels.length].twitchLogin
    const at = performance.now()
    const { data } = await emulator.post<{ data: { choices: { votes: number }[] } }>(
      `/polls/${pollByLogin.get(login)}/votes`,
      { choiceIndex: votes % 3, count: 1 }
    )
    votes++
    const expected = data.choices.reduce((sum, choice) => sum + choice.votes, 0)
    watching.expect(login, expected, at)
  })
  await emulator.post('/eventsub/idle')
  const handledMs = performance.now() - windowStarted
  // Everything delivered: give the last pushes their second.
  await watching.settle(3000)
  const answerTimes = (await answers?.stop()) ?? []
  const after = await emulator.stats()
  const cpuPerDelivery =
    (instance.cpuMs() - cpuBefore) /
    Math.max(1, after.deliveries.notification - before.deliveries.notification)
  const helixReads = after.counts['polls.get'] - before.counts['polls.get']
  const delivered = after.deliveries.notification - before.deliveries.notification
  const failed = (after.deliveries.failed ?? 0) - (before.deliveries.failed ?? 0)
  const unseen = watching.unseen
  const subscriberP95 = percentile(watching.latencies, 95)
  const shares = await instance.perInstance()

  // Over a conduit: a second instance joins, then the first dies mid-votes.
  let failover: { deliveryMs: number | null; shardMs: number | null } | null = null
  if (overConduit) {
    await waitForShards(emulator, 1)
    const port = await unusedPort()
    joined = await startWebInstance({ PORT: String(port), APP_URL: `http://127.0.0.1:${port}` })
    await waitForShards(emulator, 2)
    const first = instance as WebInstance & WebInstances
    failover = await measureFailover({
      emulator,
      watching,
      kill: () => first.kill(),
      liveInstances: 1,
      login: channels[0].twitchLogin,
      pollId: pollByLogin.get(channels[0].twitchLogin)!,
    })
    await emulator.post('/eventsub/idle')
    await watching.settle(3000)
  }

  // Stored against counted by Twitch, channel by channel.
  let lost = 0
  let countedTwice = 0
  const stored = await PollChannel.query().where('poll_run_id', run.id)
  for (const channel of stored) {
    if (!channel.twitchPollId) continue
    const { data } = await emulator.get<{ data: { choices: { votes: number }[] } }>(
      `/polls/${channel.twitchPollId}`
    )
    const difference = tallyDifference(
      channel.votes ?? [],
      data.choices.map((choice) => choice.votes)
    )
    lost += difference.lost
    countedTwice += difference.countedTwice
  }
  const viaEvents = stored.filter((channel) => channel.resultsVia === 'events').length

  const ender = await app.container.make(PollEndService)
  await run.refresh()
  await ender.endNow(run)

  const answerP95 = percentile(answerTimes, 95)
  const failoverText = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? 'never (gave up after 60 s)' : `${(ms / 1000).toFixed(1)} s`
  const rows: [string, string][] = [
    ['channels (live by event)', `${channels.length} (${viaEvents})`],
    ['subscriptions enabled at boot', `${wanted} in ${(subscribeMs / 1000).toFixed(1)} s`],
    ['votes cast', String(votes)],
    [
      'deliveries handled',
      `${delivered} in ${(handledMs / 1000).toFixed(1)} s = ${(delivered / (handledMs / 1000)).toFixed(0)}/s (target >= ${TARGETS.deliveries}; failed answers ${failed})`,
    ],
    overConduit
      ? ['webhook answer p50 / p95', 'none over a conduit (WebSocket frames are not answered)']
      : [
          'webhook answer p50 / p95',
          `${percentile(answerTimes, 50).toFixed(1)} / ${answerP95.toFixed(1)} ms (target p95 <= ${TARGETS.answerP95Ms} ms, ${answerTimes.length} sampled)`,
        ],
    [
      'vote -> GM subscriber p50 / p95',
      `${percentile(watching.latencies, 50).toFixed(0)} / ${subscriberP95.toFixed(0)} ms (target p95 <= ${TARGETS.subscriberP95Ms} ms; ${unseen} never seen)`,
    ],
    ['Helix poll reads during the poll', `${helixReads} (target ${TARGETS.helixReads})`],
    [
      'instance CPU per delivery',
      `${cpuPerDelivery.toFixed(2)} ms (machine load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    ],
    ['lost', String(lost)],
    ['counted twice', String(countedTwice)],
  ]
  if (failover) {
    rows.push(
      [
        'failover: a vote reaches the GM after SIGKILL',
        `${failoverText(failover.deliveryMs)} (target <= ${TARGETS.failoverMs / 1000} s)`,
      ],
      [
        'failover: dead instance’s shard reassigned',
        `${failoverText(failover.shardMs)} (target <= ${TARGETS.failoverMs / 1000} s)`,
      ]
    )
  }
  shares.forEach((share, index) => {
    rows.push([
      `instance ${index + 1}: deliveries, answer p95, CPU`,
      `${share.webhooks} (${((100 * share.webhooks) / Math.max(1, delivered)).toFixed(0)}%), ${share.webhookP95Ms.toFixed(1)} ms at the balancer, ${(share.cpuMs / Math.max(1, share.webhooks)).toFixed(2)} ms per delivery`,
    ])
  })
  const where = instanceCount > 1 ? `${instanceCount} instances behind one address` : 'one instance'
  printReport(`Twitch events benchmark (${transport}, ${where}, ${windowSeconds} s of votes)`, rows)

  const failedOver =
    failover === null ||
    [failover.deliveryMs, failover.shardMs].every((ms) => ms !== null && ms <= TARGETS.failoverMs)
  const met =
    delivered >= TARGETS.deliveries &&
    (overConduit || answerP95 <= TARGETS.answerP95Ms) &&
    failedOver &&
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
  await joined?.stop()
  await stopBench(app, emulator, subscriber, instance)
}
process.exit(exitCode)
