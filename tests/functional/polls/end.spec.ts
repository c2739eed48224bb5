import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import PollRun from '#models/poll_run'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollRunCloser } from '#services/polls/poll_run_closer'
import { PollRunStore } from '#services/polls/poll_run_store'
import { RunOwnerLeases } from '#services/polls/run_owner_leases'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { storedDetail } from '#services/polls/channel_detail'
import {
  channelOf,
  emulatorVotes,
  endNowRequest,
  helixCount,
  launchedPoll,
  pollTestSetup,
  runWithChannels,
  SEEDED,
  usePollSettings,
  waitUntil,
} from '#tests/helpers/polls'

const CHANNELS = [SEEDED.aria, SEEDED.bram, SEEDED.cass]

/**
 * "End now": every channel's poll terminated on Twitch, final totals stored.
 */
test.group('Polls: End now', (group) => {
  const clock = pollTestSetup(group)
  group.tap((each) => each.tags(['@run_end']))

  test('ending early terminates the poll on every channel and keeps the final totals', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, CHANNELS)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 5)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.cass), 1, 3)
    const poller = await app.container.make(PollResultsPoller)
    assert.isTrue(poller.isPolling(run.id))

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/runs/${run.id}`)
    response.assertFlashMessage('success', `"${run.title}" ended on every channel.`)
    assert.equal(helixCount('polls.update'), 3)
    for (const account of CHANNELS) {
      assert.equal(twitchEmulator.state.getPoll(pollIdOf(account))!.status, 'TERMINATED')
    }
    await waitUntil(() => !poller.isPolling(run.id))
    // The run is closed: its lease is given back.
    const leases = await app.container.make(RunOwnerLeases)
    const lease = await leases.take(run.id)
    assert.isNotNull(lease)
    await lease!.release()

    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'terminated')
    assert.equal(ended.endReason, 'ended_early')
    assert.isNotNull(ended.endedAt)
    const sums = [0, 1, 2].map((choice) =>
      CHANNELS.reduce((sum, account) => sum + emulatorVotes(pollIdOf(account))[choice], 0)
    )
    assert.deepEqual(ended.totals, sums)
    assert.deepEqual(ended.totals, [5, 5, 0])
    assert.equal(ended.totalVotes, 10)
    for (const account of CHANNELS) {
      assert.equal(channelOf(ended, account).twitchStatus, 'TERMINATED')
      assert.deepEqual(channelOf(ended, account).votes, emulatorVotes(pollIdOf(account)))
    }

    // The history has it, with its bars and the per-channel breakdown.
    const history = await client.get(`/campaigns/${campaign.id}/runs`).loginAs(gm)
    history.assertStatus(200)
    history.assertTextIncludes(run.title)
    history.assertTextIncludes('Ended early')
    history.assertTextIncludes('Bram_Rolls')
  })

  test('pressing it twice ends the poll once', async ({ client, assert }) => {
    const { gm, campaign, run } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])

    const [first, second] = await Promise.all([
      endNowRequest(client, gm, campaign, run),
      endNowRequest(client, gm, campaign, run),
    ])
    const again = await endNowRequest(client, gm, campaign, run)

    const messages = [first, second].map((response) => response.flashMessage('success'))
    assert.sameMembers(messages, [
      `"${run.title}" ended on every channel.`,
      `"${run.title}" had already ended.`,
    ])
    again.assertFlashMessage('success', `"${run.title}" had already ended.`)
    assert.equal(helixCount('polls.update'), 2)
    const stored = await PollRun.findOrFail(run.id)
    assert.equal(stored.status, 'terminated')
  })

  test('a channel whose poll already ended on Twitch is read instead of terminated', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, streamers, pollIdOf } = await launchedPoll(client, [
      SEEDED.aria,
      SEEDED.bram,
    ])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 4)
    await new TwitchHelixClient().endPoll(
      streamers.bram_rolls.accessToken!,
      SEEDED.bram.id,
      pollIdOf(SEEDED.bram)
    )

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage('success', `"${run.title}" ended on every channel.`)
    const ended = await runWithChannels(run.id)
    assert.deepEqual(ended.totals, [0, 0, 4])
    assert.equal(channelOf(ended, SEEDED.bram).twitchStatus, 'TERMINATED')
  })

  test('a channel Twitch cannot be told about stays "ending" and is retried until Twitch confirms; its votes meanwhile count', async ({
    client,
    assert,
  }) => {
    usePollSettings({ endRetryMs: 50 })
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 503 })
    // What the GM's page hears live: the run's status in each results message.
    const heard: string[] = []
    const stopListening = transmit.on('broadcast', ({ channel, payload }) => {
      const message = payload as { type?: string; run?: { status: string } }
      if (channel === `polls/runs/${run.id}` && message.type === 'results') {
        heard.push(message.run!.status)
      }
    })

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage(
      'error',
      `"${run.title}": chat votes are closed, but Twitch could not be told yet on 1 channel; Chorus keeps trying, and votes there still count until Twitch confirms.`
    )
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.aria))!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'ACTIVE')
    const ending = await runWithChannels(run.id)
    assert.equal(ending.status, 'ending')
    assert.equal(channelOf(ending, SEEDED.bram).lastReadError, storedDetail('twitch_unreachable'))

    // The GM's page says it, per channel.
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertTextIncludes('Twitch not told yet (Twitch unreachable)')

    // Twitch keeps the poll open: a vote there is the poll's.
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 1, 4)
    await waitUntil(() => helixCount('polls.update') >= 4)
    twitchEmulator.state.failHelix(SEEDED.bram.id, null)
    await waitUntil(async () => {
      const stored = await PollRun.findOrFail(run.id)
      return stored.status === 'terminated'
    })

    const ended = await runWithChannels(run.id)
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'TERMINATED')
    assert.equal(channelOf(ended, SEEDED.bram).twitchStatus, 'TERMINATED')
    assert.isNull(channelOf(ended, SEEDED.bram).lastReadError)
    assert.deepEqual(ended.totals, [0, 4, 0])
    // The page was told when the run went "ending", and again when it closed.
    await waitUntil(() => heard.includes('terminated'))
    stopListening()
    assert.include(heard, 'ending')
    const closer = await app.container.make(PollRunCloser)
    assert.isFalse(closer.isRetrying(run.id), 'nothing left to retry')
  })

  test('Twitch refusing for good, or a streamer who must sign in again, does not hold the run: it closes, saying why per channel', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, streamers, pollIdOf } = await launchedPoll(client, CHANNELS)
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 403 })
    const cass = streamers[SEEDED.cass.login]
    cass.isActive = false
    await cass.save()

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage('success', `"${run.title}" ended on every channel.`)
    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'terminated')
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.aria))!.status, 'TERMINATED')
    assert.isNull(channelOf(ended, SEEDED.aria).lastReadError)
    assert.isNotNull(channelOf(ended, SEEDED.bram).lastReadError)
    assert.isNotNull(channelOf(ended, SEEDED.cass).lastReadError)

    // A run that is over is not touched again, even with a poll still open on Twitch.
    twitchEmulator.state.failHelix(SEEDED.bram.id, null)
    const updates = helixCount('polls.update')
    const closer = await app.container.make(PollRunCloser)
    assert.isNull(await closer.takeOver(run.id))
    assert.equal(helixCount('polls.update'), updates)
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'ACTIVE')
  })

  test('a streamer who left Chorus during the poll does not hold the run: it closes without them', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, streamers } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    await streamers[SEEDED.bram.login].delete()

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage('success', `"${run.title}" ended on every channel.`)
    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'terminated')
    assert.equal(channelOf(ended, SEEDED.bram).lastReadError, storedDetail('streamer_left'))
    assert.isNull(channelOf(ended, SEEDED.aria).lastReadError)
  })

  test('at its end time, a channel Twitch cannot be told about does not hold the run: Twitch ends that poll itself', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 503 })
    clock.set(run.endsAt!)

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage('success', `"${run.title}" ended on every channel.`)
    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'terminated')
    assert.equal(channelOf(ended, SEEDED.bram).lastReadError, storedDetail('twitch_unreachable'))
  })

  test('an end Twitch confirms the poll was over but cannot be read is retried', async ({
    client,
    assert,
  }) => {
    usePollSettings({ endRetryMs: 50 })
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 3)
    // Twitch refuses the end (the poll is over there) and the read after it.
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 400, times: 2 })

    await endNowRequest(client, gm, campaign, run)

    const ending = await runWithChannels(run.id)
    assert.equal(ending.status, 'ending')
    await waitUntil(async () => {
      const stored = await PollRun.findOrFail(run.id)
      return stored.status === 'terminated'
    })
    const ended = await runWithChannels(run.id)
    assert.deepEqual(ended.totals, [0, 0, 3])
  })

  test('an instance that stops while retrying gives the run back: another one closes it', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 503 })
    await endNowRequest(client, gm, campaign, run)
    const closer = await app.container.make(PollRunCloser)
    const leases = await app.container.make(RunOwnerLeases)
    assert.isTrue(closer.isRetrying(run.id))
    assert.isNull(await leases.take(run.id), 'held while the end is retried')
    assert.isNull(await closer.takeOver(run.id), 'nobody takes it over meanwhile')

    await closer.stop()

    assert.isFalse(closer.isRetrying(run.id))
    twitchEmulator.state.failHelix(SEEDED.bram.id, null)
    const outcome = await closer.takeOver(run.id)
    assert.equal(outcome?.status, 'closed')
    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.status, 'terminated')
  })

  test('a 401 while ending whose refresh cannot reach Twitch is retried, not given up', async ({
    client,
    assert,
  }) => {
    usePollSettings({ endRetryMs: 50 })
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.bram])
    twitchEmulator.state.invalidateAccess(SEEDED.bram.id)
    twitchEmulator.state.failRefresh(SEEDED.bram.id, { status: 503 })

    await endNowRequest(client, gm, campaign, run)

    const ending = await PollRun.findOrFail(run.id)
    assert.equal(ending.status, 'ending')
    twitchEmulator.state.failRefresh(SEEDED.bram.id, null)
    await waitUntil(async () => {
      const stored = await PollRun.findOrFail(run.id)
      return stored.status === 'terminated'
    })
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'TERMINATED')
  })

  test("the poller's last read racing End now: End now closes the run, the poller's close stands back", async ({
    client,
    assert,
  }) => {
    const { run } = await launchedPoll(client, [SEEDED.aria])
    const store = await app.container.make(PollRunStore)
    const loaded = await store.load(run.id)
    // The poller read the run while it ran; End now moves it to `ending` meanwhile.
    assert.isTrue(await store.transition(run.id, 'running', 'ending', { endedAt: clock.now() }))

    const closer = await app.container.make(PollRunCloser)
    const late = await closer.closeRunning(
      loaded!.run,
      loaded!.channels,
      'duration',
      clock.now().toMillis()
    )

    assert.isNull(late)
    const stored = await PollRun.findOrFail(run.id)
    assert.equal(stored.status, 'ending')
    const outcome = await closer.takeOver(run.id)
    assert.equal(outcome?.status, 'closed')
    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.endReason, 'ended_early')
  })

  test('a 401 while ending goes through the reactive refresh and is retried once', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pollIdOf } = await launchedPoll(client, [SEEDED.bram])
    twitchEmulator.state.invalidateAccess(SEEDED.bram.id)

    await endNowRequest(client, gm, campaign, run)

    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.stats().byUser[SEEDED.bram.id]['token.refresh_token'], 1)
  })
})
