import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import type { ApiClient } from '@japa/api-client'
import PollRun from '#models/poll_run'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  helixCount,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
  usePollSettings,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions } from '#tests/helpers/eventsub'

/** Helix reads, were they due, every 100 ms. */
const FAST_READS = { minReadIntervalMs: 100, maxReadIntervalMs: 100, readsPerSecond: 1000 }

async function launchWithEvents(client: ApiClient, gm: User, campaign: Campaign) {
  await reconcileSubscriptions()
  await launchRequest(client, gm, campaign, await preparedPoll(campaign))
  const { id } = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
  return runWithChannels(id)
}

/**
 * The results poller with channels live by event: Helix only at the end,
 * and after a silence.
 */
test.group('Live results by event: when Helix is still read', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group, { silentChannelReadMs: 600 })

  test('a channel silent longer than its expected interval is read once, not every interval', async ({
    client,
    assert,
  }) => {
    usePollSettings({ ...FAST_READS, quietBackoffFactor: 1 })
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    const getsBefore = helixCount('polls.get')
    await launchWithEvents(client, gm, campaign)

    // Polled channels would be read ~10 times in a second; this one is not read at all…
    await sleep(400)
    assert.equal(helixCount('polls.get') - getsBefore, 0)
    // …until it has been silent for 600 ms: then once per silence.
    clock.advance({ seconds: 1 })
    await sleep(600)
    const reads = helixCount('polls.get') - getsBefore
    assert.isAtLeast(reads, 1)
    assert.isAtMost(reads, 2)
  })

  test('at the end each channel is read once to reconcile, and the run closes with its totals', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const run = await launchWithEvents(client, gm, campaign)
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 3)
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 1, 2)
    await twitchEmulator.state.eventsub.idle()
    const getsBefore = helixCount('polls.get')

    // During the poll: nothing to read.
    const during = await poller.tick(run.id)
    assert.isFalse(during.finished)

    // Its time (and Twitch's grace to report) is up: every channel is read
    // once to reconcile, then the run closes with the counts the events brought.
    clock.advance({ seconds: 126 })
    const atEnd = await poller.tick(run.id)
    assert.equal(atEnd.requests, 2)
    assert.isTrue(atEnd.finished)
    assert.equal(helixCount('polls.get') - getsBefore, 2)
    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.status, 'completed')
    assert.deepEqual(ended.totals, [3, 2, 0])
  })
})
