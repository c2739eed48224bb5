import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import PollRun from '#models/poll_run'
import { UserFactory } from '#database/factories/user_factory'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { apiCall, apiLaunch, apiTestSetup, apiTokenOf } from '#tests/helpers/api'
import { campaignWithChannels, SEEDED } from '#tests/helpers/polls'

const QUESTION = { title: 'Who opens the chest?', choices: ['Bram', 'Cass'], duration: 120 }

/** A poll launched through the API on Bram's and Cass's channels (Pat left out). */
async function launchedThroughApi(client: Parameters<typeof apiCall>[0]) {
  const { gm, campaign, streamers } = await campaignWithChannels([
    SEEDED.bram,
    SEEDED.cass,
    SEEDED.pat,
  ])
  const token = await apiTokenOf(gm)
  const launch = await apiLaunch(client, campaign.id, token).json(QUESTION)
  launch.assertStatus(201)
  const runId: number = launch.body().run_id
  const pollIdOf = (accountId: string) => twitchEmulator.state.listPolls(accountId)[0].id
  return { gm, campaign, streamers, token, runId, pollIdOf }
}

/**
 * `GET /api/v1/runs/:id` and `POST /api/v1/runs/:id/end`.
 */
test.group('API v1: runs', (group) => {
  apiTestSetup(group)

  test("a live run: combined totals by choice and each channel's votes, as read from Twitch", async ({
    client,
    assert,
  }) => {
    const { token, runId, pollIdOf } = await launchedThroughApi(client)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram.id), 0, 3)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.cass.id), 0, 1)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.cass.id), 1, 4)
    const poller = await app.container.make(PollResultsPoller)
    await poller.tick(runId)

    const response = await apiCall(client, 'get', `/api/v1/runs/${runId}`, token)

    response.assertStatus(200)
    assert.equal(response.header('cache-control'), 'no-store')
    const body = response.body()
    assert.include(body, { id: runId, title: QUESTION.title, status: 'live', total_votes: 8 })
    assert.isString(body.ends_at)
    assert.deepEqual(body.totals, [
      { title: 'Bram', votes: 4 },
      { title: 'Cass', votes: 4 },
    ])
    assert.deepInclude(body.channels, {
      twitch_login: 'bram_rolls',
      voting: 'twitch',
      voting_interrupted: false,
      status: 'live',
      votes: [3, 0],
      reason: null,
    })
    assert.deepInclude(body.channels, {
      twitch_login: 'cass_casts',
      voting: 'twitch',
      voting_interrupted: false,
      status: 'live',
      votes: [1, 4],
      reason: null,
    })
    assert.deepInclude(body.channels, {
      twitch_login: 'plain_pat',
      voting: null,
      voting_interrupted: false,
      status: 'left_out',
      votes: [0, 0],
      reason: 'Not an affiliate or partner',
    })
  })

  test("end: every channel's poll is ended on Twitch and the run comes back ended, with the final votes", async ({
    client,
    assert,
  }) => {
    const { token, runId, pollIdOf } = await launchedThroughApi(client)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram.id), 1, 2)

    const response = await apiCall(client, 'post', `/api/v1/runs/${runId}/end`, token)

    response.assertStatus(200)
    const body = response.body()
    assert.include(body, { id: runId, status: 'ended', end_reason: 'ended_early', total_votes: 2 })
    assert.deepEqual(body.totals, [
      { title: 'Bram', votes: 0 },
      { title: 'Cass', votes: 2 },
    ])
    assert.deepInclude(body.channels, {
      twitch_login: 'bram_rolls',
      voting: 'twitch',
      voting_interrupted: false,
      status: 'ended',
      votes: [0, 2],
      reason: null,
    })
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram.id))!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.cass.id))!.status, 'TERMINATED')

    // Ending again is not an error: the run as it is.
    const again = await apiCall(client, 'post', `/api/v1/runs/${runId}/end`, token)
    again.assertStatus(200)
    assert.equal(again.body().status, 'ended')

    // Read afterwards, it stays ended.
    const read = await apiCall(client, 'get', `/api/v1/runs/${runId}`, token)
    assert.equal(read.body().status, 'ended')
  })

  test('end while Twitch cannot be told on a channel: that channel is "ending", never "ended", until Twitch confirms', async ({
    client,
    assert,
  }) => {
    const { token, runId, pollIdOf } = await launchedThroughApi(client)
    twitchEmulator.state.failHelix(SEEDED.cass.id, { status: 503 })

    const response = await apiCall(client, 'post', `/api/v1/runs/${runId}/end`, token)

    response.assertStatus(200)
    const body = response.body()
    assert.equal(body.status, 'ending')
    assert.deepInclude(body.channels, {
      twitch_login: 'bram_rolls',
      voting: 'twitch',
      voting_interrupted: false,
      status: 'ended',
      votes: [0, 0],
      reason: null,
    })
    const cass = body.channels.find(
      (channel: { twitch_login: string }) => channel.twitch_login === 'cass_casts'
    )
    assert.equal(cass.status, 'ending')
    assert.equal(
      cass.reason,
      'Twitch not told yet (Twitch unreachable): Chorus keeps trying; votes there still count'
    )
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.cass.id))!.status, 'ACTIVE')

    // Asked again, it says the same: still not told.
    const read = await apiCall(client, 'get', `/api/v1/runs/${runId}`, token)
    assert.equal(read.body().status, 'ending')
    const again = await apiCall(client, 'post', `/api/v1/runs/${runId}/end`, token)
    assert.equal(again.body().status, 'ending')
  })

  test('end while the run is still launching: 409', async ({ client, assert }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const run = await PollRun.create({
      campaignId: campaign.id,
      launchedById: gm.id,
      idempotencyKey: 'still-launching-0001',
      status: 'launching',
      title: 'Still launching?',
      choices: ['Yes', 'No'],
      durationSeconds: 60,
      channelPointsPerVote: null,
    })

    const response = await apiCall(
      client,
      'post',
      `/api/v1/runs/${run.id}/end`,
      await apiTokenOf(gm)
    )

    response.assertStatus(409)
    assert.equal(
      response.body().errors[0].message,
      'The poll is still being launched: try again in a moment.'
    )
  })

  test("a member's token gets a 403 on the campaign's runs, a stranger's a 404, and nothing ends", async ({
    client,
    assert,
  }) => {
    const { streamers, runId, pollIdOf } = await launchedThroughApi(client)
    const memberToken = await apiTokenOf(streamers.bram_rolls.user)
    const strangerToken = await apiTokenOf(await UserFactory.create())

    for (const [method, url] of [
      ['get', `/api/v1/runs/${runId}`],
      ['post', `/api/v1/runs/${runId}/end`],
    ] as const) {
      const member = await apiCall(client, method, url, memberToken)
      member.assertStatus(403)
      const stranger = await apiCall(client, method, url, strangerToken)
      stranger.assertStatus(404)
      stranger.assertBody({ errors: [{ message: 'Not found.' }] })
    }

    const run = await PollRun.findOrFail(runId)
    assert.equal(run.status, 'running')
    assert.equal(twitchEmulator.state.getPoll(pollIdOf(SEEDED.bram.id))!.status, 'ACTIVE')
  })
})
