import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import PollRun from '#models/poll_run'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  helixCount,
  pollTestSetup,
  SEEDED,
} from '#tests/helpers/polls'
import { eventsubTestSetup, launchWithEvents } from '#tests/helpers/eventsub'

/**
 * The results poller with channels live by event: Helix only at the end,
 * and after a silence.
 */
test.group('Live results by event: when Helix is still read', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group, { silentChannelReadMs: 600 })

  test('a channel live by event is read from Helix only after a silence, once per silence', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    const run = await launchWithEvents(client, gm, campaign)
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    const getsBefore = helixCount('polls.get')
    const requestsOfATick = async () => {
      const { requests } = await poller.tick(run.id)
      return requests
    }

    // A polled channel is due at every tick; this one is not read at all…
    assert.equal(await requestsOfATick(), 0)
    clock.advance({ milliseconds: 500 })
    assert.equal(await requestsOfATick(), 0)
    // …until it has been silent for 600 ms: then once,
    clock.advance({ milliseconds: 200 })
    assert.equal(await requestsOfATick(), 1)
    assert.equal(await requestsOfATick(), 0)
    // and once again after the next silence.
    clock.advance({ milliseconds: 600 })
    assert.equal(await requestsOfATick(), 1)
    assert.equal(helixCount('polls.get') - getsBefore, 2)
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
