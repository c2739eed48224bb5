/*
|--------------------------------------------------------------------------
| Chat voting benchmark — npm run bench:chat [-- --channels=20 --messages=5000 --seconds=10]
|--------------------------------------------------------------------------
|
| One web instance (bin/server.ts, EventSub on) behind the project's
| emulator (its own process). 20 streamers who are not affiliates and
| granted the chat scopes are subscribed to their chat by the instance's
| boot reconciliation; a poll launched on every channel votes in chat (the
| launch posts the question in each). Then 5 000 chat messages are posted on
| the emulator's control API over 10 s, each one `channel.chat.message`
| delivery to the instance: first votes from distinct chatters, repeat
| votes (only the first of a chatter counts), vote-like text that is not a
| vote, and chatter; one message in 20 is delivered twice by Twitch (the
| emulator's duplicate fault). The counts expected come from what was sent
| (with one warm-up vote per channel before the 10 s). A GM's Transmit
| subscriber listens on Redis. Prints:
|
| - messages handled per second (deliveries, duplicates included);
| - p95 time from a vote to the GM's subscriber seeing a combined result
|   whose total includes it (target <= 1 s);
| - votes counted against expected, in Redis during the vote and in
|   PostgreSQL after End now (equal);
| - duplicates delivered, and votes counted twice (0).
|
| Uses its own database (BENCH_CHAT_DB_DATABASE, default chorus_bench_chat,
| created and migrated here) and Redis database (BENCH_CHAT_REDIS_DB,
| default 15). Exit code 1 when a target is missed.
*/
import 'reflect-metadata'
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { startBenchApp } from './bench_app.js'
import { numericOptions } from './bench_options.js'
import { startWebInstance } from './bench_instance.js'
import type { WebInstance } from './bench_instance.js'
import type { GmSubscriber } from './gm_subscriber.js'
import type { ChatLine } from './chat_traffic.js'
import { paced } from './bench_pacing.js'
import { percentile, printReport, tallyDifference } from './bench_report.js'
import { watchWebhookAnswers } from './webhook_answers.js'

const TARGETS = { subscriberP95Ms: 1000 }
const MESSAGES_IN_FLIGHT = 24
/** One message in this many is delivered twice. */
const DUPLICATE_EVERY = 20

const {
  channels: channelCount,
  messages: messageCount,
  seconds: windowSeconds,
} = numericOptions({ channels: 20, messages: 5000, seconds: 10 })

const { app, emulator } = await startBenchApp({
  latencyMs: 0,
  webhooks: true,
  name: 'chat',
  redisDb: 15,
})

const { default: PollChannel } = await import('#models/poll_channel')
const { PollEndService } = await import('#services/polls/poll_end_service')
const { ChatVoteTally } = await import('#services/chat_votes/chat_vote_tally')
const { CHAT_VOTING_SCOPES } = await import('#services/chat_votes/chat_scopes')
const { CHAT_MESSAGE_TYPE } = await import('#services/chat_votes/chat_subscription_source')
const { resetBenchData } = await import('./bench_database.js')
const { BENCH_CHOICES, seedCampaignPoll, launchBenchPoll, stopBench } =
  await import('./bench_poll.js')
const { GmSubscriber: Subscriber } = await import('./gm_subscriber.js')
const { ChatTraffic } = await import('./chat_traffic.js')

let exitCode = 0
let instance: WebInstance | null = null
let subscriber: GmSubscriber | null = null
try {
  console.log(`Preparing ${channelCount} chat channels…`)
  await resetBenchData(emulator, [
    'polls:*',
    'eventsub:*',
    'twitch:app-token*',
    'chorus:chat-vote:*',
  ])
  const tokens = await emulator.connectUsers(channelCount, 'chat', '')
  // Not affiliates: every channel votes in chat, as a small channel does.
  const seeded = await seedCampaignPoll(tokens, windowSeconds + 60, {
    broadcasterType: '',
    scopes: ['channel:manage:polls', 'channel:read:polls', ...CHAT_VOTING_SCOPES],
  })

  instance = await startWebInstance()
  const subscribeMs = await emulator.waitForSubscriptions(
    channelCount,
    (subscription) => subscription.type === CHAT_MESSAGE_TYPE
  )

  const run = await launchBenchPoll(app, seeded)
  const channels = run.channels.filter(
    (channel) =>
      channel.outcome === 'created' && channel.voting === 'chat' && channel.chatAnnouncedAt
  )
  if (channels.length !== channelCount) {
    throw new Error(`${channels.length}/${channelCount} channels vote in chat, announced`)
  }
  // The announcements' echoes are delivered before anything is measured.
  await emulator.post('/eventsub/idle')

  const watching = await Subscriber.start(
    app,
    run.id,
    channels.map((channel) => channel.twitchLogin)
  )
  subscriber = watching
  const traffic = new ChatTraffic(
    channels.map((channel) => channel.twitchLogin),
    BENCH_CHOICES.length
  )
  const broadcasterOf = new Map(
    channels.map((channel) => [channel.twitchLogin, channel.twitchUserId])
  )
  /** Posts a line in its channel; a vote that counts is then awaited on the GM's side. */
  const say = async (line: ChatLine) => {
    if (line.expectedTotal !== null) {
      watching.expect(line.login, line.expectedTotal, performance.now())
    }
    await emulator.post(`/chat/${broadcasterOf.get(line.login)}/messages`, {
      text: line.text,
      chatterLogin: line.chatterLogin,
    })
  }

  // A first vote on each channel before the load: a fresh process's first
  // votes are slower (code compiled on first use, connections opened), and
  // that is start-up time, not the time a vote takes.
  const warmUpStarted = performance.now()
  await Promise.all(traffic.warmUp().map(say))
  await watching.settle(10_000)
  const warmUpMs = performance.now() - warmUpStarted
  if (watching.unseen > 0) throw new Error('the warm-up votes never reached the GM')
  watching.latencies.splice(0)

  const before = await emulator.stats()
  const cpuBefore = instance.cpuMs()
  const answers = await watchWebhookAnswers(emulator, CHAT_MESSAGE_TYPE)
  console.log(
    `Posting ${messageCount} chat messages on ${channels.length} channels in ${windowSeconds} s…`
  )
  const windowStarted = performance.now()
  let duplicatesAsked = 0
  await paced(messageCount, messageCount / windowSeconds, MESSAGES_IN_FLIGHT, async (slot) => {
    if (slot % DUPLICATE_EVERY === DUPLICATE_EVERY - 1) {
      // The next notification the emulator sends goes out twice, same id.
      await emulator.post('/eventsub/faults', { duplicate: 1 })
      duplicatesAsked++
    }
    await say(traffic.next(slot))
  })
  const postedMs = performance.now() - windowStarted
  await emulator.post('/eventsub/idle')
  const handledMs = performance.now() - windowStarted
  // Everything delivered: give the last pushes their second.
  await watching.settle(3000)
  const answerTimes = await answers.stop()
  const after = await emulator.stats()
  const delivered = after.deliveries.notification - before.deliveries.notification
  const duplicated = after.deliveries.duplicated - before.deliveries.duplicated
  const failed = (after.deliveries.failed ?? 0) - (before.deliveries.failed ?? 0)
  const cpuPerMessage = (instance.cpuMs() - cpuBefore) / Math.max(1, delivered)

  /** Counted against expected, channel by channel and choice by choice. */
  const compare = (counted: { login: string; votes: number[] }[]) => {
    const sum = { lost: 0, countedTwice: 0, total: 0 }
    for (const { login, votes } of counted) {
      const difference = tallyDifference(votes, traffic.expected(login))
      sum.lost += difference.lost
      sum.countedTwice += difference.countedTwice
      sum.total += votes.reduce((total, count) => total + count, 0)
    }
    return sum
  }
  // In Redis while the vote runs…
  const tally = new ChatVoteTally()
  const live = compare(
    await Promise.all(
      channels.map(async (channel) => ({
        login: channel.twitchLogin,
        votes: await tally.counts({ runId: run.id, channelId: channel.id }, BENCH_CHOICES.length),
      }))
    )
  )
  // …and in PostgreSQL once End now closed the vote and stored its result.
  const ender = await app.container.make(PollEndService)
  await run.refresh()
  await ender.endNow(run)
  const stored = await PollChannel.query().where('poll_run_id', run.id)
  const final = compare(
    stored.map((channel) => ({ login: channel.twitchLogin, votes: channel.votes ?? [] }))
  )

  const expectedTotal = traffic.expectedTotal
  const subscriberP95 = percentile(watching.latencies, 95)
  const unseen = watching.unseen
  const rows: [string, string][] = [
    [
      'chat channels',
      `${channels.length} (subscribed at boot in ${(subscribeMs / 1000).toFixed(1)} s; warm-up vote on each seen by the GM in ${warmUpMs.toFixed(0)} ms)`,
    ],
    [
      'messages posted',
      `${messageCount} in ${(postedMs / 1000).toFixed(1)} s: ${traffic.describe()} (and ${channels.length} warm-up votes before)`,
    ],
    [
      'messages handled',
      `${delivered} deliveries in ${(handledMs / 1000).toFixed(1)} s = ${(delivered / (handledMs / 1000)).toFixed(0)}/s (failed answers ${failed})`,
    ],
    [
      'webhook answer p50 / p95',
      `${percentile(answerTimes, 50).toFixed(1)} / ${percentile(answerTimes, 95).toFixed(1)} ms (${answerTimes.length} sampled)`,
    ],
    [
      'vote -> GM subscriber p50 / p95',
      `${percentile(watching.latencies, 50).toFixed(0)} / ${subscriberP95.toFixed(0)} ms (target p95 <= ${TARGETS.subscriberP95Ms} ms; ${unseen} never seen)`,
    ],
    [
      'votes counted vs expected',
      `${final.total} in PostgreSQL after End now, ${live.total} in Redis before; expected ${expectedTotal} (by channel and choice: ${final.lost} lost, Redis off by ${live.lost + live.countedTwice})`,
    ],
    [
      'duplicates delivered / counted twice',
      `${duplicated} of ${duplicatesAsked} asked / ${Math.max(live.countedTwice, final.countedTwice)} (target 0)`,
    ],
    [
      'instance CPU per message',
      `${cpuPerMessage.toFixed(2)} ms (machine load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    ],
  ]
  printReport(`Chat voting benchmark (one instance, ${windowSeconds} s of chat)`, rows)

  const met =
    subscriberP95 <= TARGETS.subscriberP95Ms &&
    unseen === 0 &&
    failed === 0 &&
    live.lost + live.countedTwice === 0 &&
    final.lost + final.countedTwice === 0 &&
    final.total === expectedTotal &&
    duplicated > 0
  console.log(met ? 'All targets met.' : 'Target missed.')
  if (!met) exitCode = 1
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  await stopBench(app, emulator, subscriber, instance)
}
process.exit(exitCode)
