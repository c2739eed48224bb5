import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import PollRun from '#models/poll_run'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
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
  pollTestSetup(group)

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

    const response = await endNowRequest(client, gm, campaign, run)

    response.assertFlashMessage(
      'error',
      `"${run.title}": chat votes are closed, but Twitch could not be told yet on 1 channel; Chorus keeps trying, and votes there still count until Twitch confirms.`
    )
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.aria))!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram))!.status, 'ACTIVE')
    const ending = await runWithChannels(run.id)
    assert.equal(ending.status, 'ending')
    assert.equal(channelOf(ending, SEEDED.bram).lastReadError, 'polls.detail.twitch_unreachable')

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
