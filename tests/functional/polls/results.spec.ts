import { PassThrough } from 'node:stream'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import lock from '@adonisjs/lock/services/main'
import { Transmit } from '@boringnode/transmit'
import transmit from '@adonisjs/transmit/services/main'
import type { TransmitConfig } from '@boringnode/transmit/types'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import type Campaign from '#models/campaign'
import PollRun from '#models/poll_run'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollRunWatcher } from '#services/polls/poll_run_watcher'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  emulatorVotes,
  helixCount,
  launchedPoll,
  launchKey,
  pollTestSetup,
  runWithChannels,
  SEEDED,
  usePollSettings,
  waitUntil,
} from '#tests/helpers/polls'
import { buildInjected } from '#providers/injected_singleton'

const THREE = [SEEDED.aria, SEEDED.bram, SEEDED.cass]

function results(client: ApiClient, gm: User, campaign: Campaign, run: PollRun) {
  return client.get(`/campaigns/${campaign.id}/runs/${run.id}/results`).loginAs(gm)
}

/** Reads every 100 ms, whatever the number of channels. */
const FAST_READS = { minReadIntervalMs: 100, maxReadIntervalMs: 100, readsPerSecond: 1000 }

/**
 * Reading the results from Twitch: combined and per channel, at a bounded
 * rate, by one poller across instances, until the poll's end.
 */
test.group('Polls: live results', (group) => {
  const clock = pollTestSetup(group)

  test('the combined totals are the sum of the votes Twitch counted on every channel', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, THREE)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 3)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 1)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 0, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.cass), 2, 5)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.cass), 0, 4)
    const getsBefore = helixCount('polls.get')

    const poller = await app.container.make(PollResultsPoller)
    const tick = await poller.tick(run.id)

    // One Get Polls per channel, its poll ids in that one request.
    assert.equal(tick.requests, 3)
    assert.equal(helixCount('polls.get') - getsBefore, 3)
    const expected = [0, 1, 2].map((choice) =>
      THREE.reduce((sum, account) => sum + emulatorVotes(pollIdOf(account))[choice], 0)
    )
    assert.deepEqual(expected, [9, 1, 5])

    const response = await results(client, gm, campaign, run)
    response.assertStatus(200)
    response.assertBodyContains({ status: 'running', totals: expected, totalVotes: 15, live: true })
    const body = response.body()
    for (const account of THREE) {
      const channel = body.channels.find((row: { login: string }) => row.login === account.login)
      assert.deepEqual(channel.votes, emulatorVotes(pollIdOf(account)))
    }

    const stored = await runWithChannels(run.id)
    assert.deepEqual(channelOf(stored, SEEDED.cass).votes, [4, 0, 5])
    assert.equal(channelOf(stored, SEEDED.cass).totalVotes, 9)
  })

  test('the background poller follows the votes on its own', async ({ client, assert }) => {
    // Its pace (how often, how it backs off) is ReadPace's, tested on its own.
    usePollSettings({ ...FAST_READS, quietBackoffFactor: 1 })
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const poller = await app.container.make(PollResultsPoller)
    assert.isTrue(poller.isPolling(run.id))

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 4)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 3)
    await waitUntil(async () => {
      const response = await results(client, gm, campaign, run)
      return response.body().totals[1] === 7
    })
  })

  test("a channel's Helix bucket is respected (Ratelimit-Remaining / Reset)", async ({
    client,
    assert,
  }) => {
    usePollSettings({ rateLimitReserve: 10 })
    // 13 points a minute: the create takes one, two reads bring it to the reserve.
    twitchEmulator.state.setRateLimit(13)
    const { run } = await launchedPoll(client, [SEEDED.aria])
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)

    const reads = [await poller.tick(run.id), await poller.tick(run.id), await poller.tick(run.id)]
    // The third read waits for the bucket's reset (a minute away), not sent at all.
    assert.deepEqual(
      reads.map((read) => read.requests),
      [1, 1, 0]
    )
    assert.equal(twitchEmulator.state.stats().byUser[SEEDED.aria.id]['polls.get'], 2)
    assert.equal(twitchEmulator.state.stats().failures['polls.get'], 0)
  })

  test('one poller per run across instances: whoever holds the lock polls, the others do not', async ({
    client,
    assert,
  }) => {
    const { run } = await launchedPoll(client, [SEEDED.aria])
    const here = await app.container.make(PollResultsPoller)
    assert.isTrue(here.isPolling(run.id))
    assert.isTrue(await here.start(run.id))

    // Another instance holds the lock: this one does not poll.
    await here.stop(run.id)
    const elsewhere = lock.createLock(PollResultsPoller.lockKey(run.id), 30_000)
    assert.isTrue(await elsewhere.acquireImmediately())
    assert.isFalse(await here.start(run.id))
    assert.isFalse(here.isPolling(run.id))

    // That instance dies (its lock expires or is released): the watcher takes over.
    await elsewhere.release()
    const watcher = await buildInjected(app.container, PollRunWatcher)
    await watcher.sweep()
    assert.isTrue(here.isPolling(run.id))
  })

  test('at its duration the run closes with the final totals, once Twitch had time to report', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 6)
    const poller = await app.container.make(PollResultsPoller)

    clock.advance({ seconds: 121 })
    const early = await poller.tick(run.id)
    assert.isFalse(early.finished)
    const stillRunning = await PollRun.findOrFail(run.id)
    assert.equal(stillRunning.status, 'running')

    clock.advance({ seconds: 5 })
    const last = await poller.tick(run.id)
    assert.isTrue(last.finished)

    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.status, 'completed')
    assert.equal(ended.endReason, 'duration')
    assert.deepEqual(ended.totals, [2, 0, 6])
    assert.equal(ended.totalVotes, 8)
    assert.isNotNull(ended.endedAt)

    const page = await client.get(`/campaigns/${campaign.id}/runs`).loginAs(gm)
    page.assertStatus(200)
    page.assertTextIncludes(run.title)
    page.assertTextIncludes('Per-channel breakdown')
    page.assertTextIncludes('Aria_Plays')
  }).tags(['@run_end'])

  test('an ended run names its winner, a tie or no votes, on its page and in the history', async ({
    client,
  }) => {
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const live = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    live.assertTextIncludes('data-verdict hidden')

    // "Does the party trust the innkeeper?": Yes 2 (aria), Roll for it 2 (bram).
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 2)
    const poller = await app.container.make(PollResultsPoller)
    clock.advance({ seconds: 130 })
    await poller.tick(run.id)

    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertTextIncludes('Tie: Yes / Roll for it')
    const history = await client.get(`/campaigns/${campaign.id}/runs`).loginAs(gm)
    history.assertTextIncludes('Tie: Yes / Roll for it')
    const snapshot = await client
      .get(`/campaigns/${campaign.id}/runs/${run.id}/results`)
      .loginAs(gm)
    snapshot.assertBodyContains({ winners: [0, 2] })
  })

  test('a run that ended without a vote says so', async ({ client }) => {
    const { gm, campaign, run } = await launchedPoll(client, [SEEDED.aria])
    const poller = await app.container.make(PollResultsPoller)
    clock.advance({ seconds: 130 })
    await poller.tick(run.id)
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertTextIncludes('No votes')
    const snapshot = await client
      .get(`/campaigns/${campaign.id}/runs/${run.id}/results`)
      .loginAs(gm)
    snapshot.assertBodyContains({ winners: [] })
  })

  test('ended on Twitch on every channel: the run closes before its duration', async ({
    client,
    assert,
  }) => {
    const { run, streamers, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 1)
    const helix = new TwitchHelixClient()
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      await helix.endPoll(streamers[account.login].accessToken!, account.id, pollIdOf(account))
    }

    const poller = await app.container.make(PollResultsPoller)
    const tick = await poller.tick(run.id)

    assert.isTrue(tick.finished)
    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'completed')
    assert.equal(ended.endReason, 'ended_on_twitch')
    assert.deepEqual(ended.totals, [0, 1, 0])
    assert.deepEqual(
      ended.channels.map((channel) => channel.twitchStatus),
      ['TERMINATED', 'TERMINATED']
    )
  }).tags(['@run_end'])

  test('results reach a GM connected to another web instance (Redis transport)', async ({
    client,
    assert,
  }) => {
    const { run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])

    // A second "instance": its own Transmit on the same Redis transport, with
    // a GM's stream subscribed to the run's channel.
    const config = app.config.get<TransmitConfig>('transmit')
    const other = new Transmit(config, config.transport!.driver())
    const response = new PassThrough()
    let received = ''
    response.on('data', (chunk: Buffer) => (received += chunk.toString()))
    other.createStream({
      uid: 'gm-on-instance-b',
      request: undefined as never,
      response: response as never,
      context: {},
    })
    await other.subscribe({ uid: 'gm-on-instance-b', channel: `polls/runs/${run.id}`, context: {} })
    // Its Redis subscription is live once a message sent here reaches it.
    await waitUntil(() => {
      transmit.broadcast(`polls/runs/${run.id}`, { probe: true })
      return received.includes('"probe":true')
    })

    try {
      twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 11)
      const poller = await app.container.make(PollResultsPoller)
      await poller.tick(run.id)
      await waitUntil(async () => received.includes('"totals":[11,0,0]'))
      assert.include(received, `"channel":"polls/runs/${run.id}"`)
      assert.include(received, '"type":"results"')
    } finally {
      response.end()
      await other.shutdown()
    }
  })

  test('the watcher closes a launch or an "End now" interrupted by a crash', async ({
    client,
    assert,
  }) => {
    const { campaign, run } = await launchedPoll(client, [SEEDED.aria])
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    await PollRun.query().where('id', run.id).update({ status: 'ending' })
    const other = await campaignWithChannels([SEEDED.bram])
    const stuck = await PollRun.create({
      campaignId: other.campaign.id,
      pollId: null,
      launchedById: other.gm.id,
      idempotencyKey: launchKey(),
      status: 'launching',
      title: 'Stuck',
      choices: ['A', 'B'],
      durationSeconds: 60,
      channelPointsPerVote: null,
    })

    const watcher = await buildInjected(app.container, PollRunWatcher)
    await watcher.sweep()
    const notYet = await PollRun.findOrFail(stuck.id)
    assert.equal(notYet.status, 'launching')

    clock.advance({ minutes: 3 })
    await watcher.sweep()
    const failed = await PollRun.findOrFail(stuck.id)
    assert.equal(failed.status, 'failed')
    assert.equal(failed.endReason, 'interrupted')
    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.status, 'terminated')
    assert.deepEqual(ended.totals, [0, 0, 0])
    assert.equal(ended.campaignId, campaign.id)
  }).tags(['@run_end'])
})
