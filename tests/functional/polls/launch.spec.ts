import { test } from '@japa/runner'
import type User from '#models/user'
import type Campaign from '#models/campaign'
import PollRun from '#models/poll_run'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { connectedStreamer } from '#tests/helpers/campaigns'
import { refreshCalls } from '#tests/helpers/token_fixtures'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  helixCount,
  launchKey,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runPageSnapshot,
  runWithChannels,
  settleLaunches,
  SEEDED,
  englishNote,
} from '#tests/helpers/polls'

async function onlyRun(campaign: Campaign) {
  const runs = await PollRun.query().where('campaign_id', campaign.id)
  if (runs.length !== 1) throw new Error(`expected one run, found ${runs.length}`)
  return runWithChannels(runs[0].id)
}

/**
 * Launching a prepared poll on every ready channel of a campaign.
 */
test.group('Polls: launch', (group) => {
  pollTestSetup(group)

  test('three channels: the affiliate gets the poll, the non-affiliate and the deactivated one are left out with their reason', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([
      SEEDED.bram,
      SEEDED.pat,
      SEEDED.cass,
    ])
    streamers.cass_casts.isActive = false
    await streamers.cass_casts.save()
    const poll = await preparedPoll(campaign)

    const response = await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/runs/${run.id}`)
    // The run page says how the launch went (its note, gone once the run ends).
    const snapshot = await runPageSnapshot(client, gm, campaign, run.id)
    assert.equal(englishNote(snapshot.launchNote), `"${poll.title}" is live on 1 of 3 channels.`)
    assert.equal(run.status, 'running')
    assert.equal(run.title, poll.title)
    assert.deepEqual(run.choices, poll.choices)
    assert.equal(run.endsAt!.diff(run.startedAt!, 'seconds').seconds, 120)

    // On Twitch: one poll, on Bram's channel only.
    const bramPolls = twitchEmulator.state.listPolls(SEEDED.bram.id)
    assert.lengthOf(bramPolls, 1)
    assert.equal(bramPolls[0].status, 'ACTIVE')
    assert.equal(bramPolls[0].title, poll.title)
    assert.deepEqual(
      bramPolls[0].choices.map((choice) => choice.title),
      poll.choices
    )
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.pat.id), 0)
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.cass.id), 0)
    assert.equal(helixCount('polls.create'), 1)

    const bram = channelOf(run, SEEDED.bram)
    assert.equal(bram.outcome, 'created')
    assert.equal(bram.twitchPollId, bramPolls[0].id)
    assert.equal(bram.twitchStatus, 'ACTIVE')
    assert.deepEqual(bram.votes, [0, 0, 0])
    assert.include(channelOf(run, SEEDED.pat).serialize(), {
      outcome: 'skipped',
      reason: 'not_affiliate',
    })
    assert.include(channelOf(run, SEEDED.cass).serialize(), {
      outcome: 'skipped',
      reason: 'needs_reconnect',
      error: null,
    })

    // The live page says who runs it and why the others do not.
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertStatus(200)
    page.assertTextIncludes('Bram_Rolls')
    page.assertTextIncludes('Not an affiliate or partner')
    page.assertTextIncludes('Needs to reconnect Twitch')
    // The reason is said once: the label, not the label plus the same thing again.
    assert.notInclude(page.text(), 'Needs to reconnect Twitch:')
    assert.notInclude(page.text(), 'must sign in with Twitch again')
    page.assertTextIncludes('End now')
  })

  test('a partner channel gets it too; a member without authorization is left out', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const dorian = await connectedStreamer(SEEDED.dorian)
    await CampaignMembershipFactory.merge({ campaignId: campaign.id, streamerId: dorian.id })
      .apply('notGranted')
      .create()
    const poll = await preparedPoll(campaign)

    await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    assert.equal(channelOf(run, SEEDED.aria).outcome, 'created')
    assert.equal(channelOf(run, SEEDED.bram).outcome, 'created')
    assert.include(channelOf(run, SEEDED.dorian).serialize(), {
      outcome: 'skipped',
      reason: 'not_authorized',
    })
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.dorian.id), 0)
    assert.equal(helixCount('polls.create'), 2)
  })

  test("Twitch's refusal is kept with Twitch's own message", async ({ assert, client }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    // A poll already runs on Bram's channel (started from elsewhere).
    await new TwitchHelixClient().createPoll(streamers.bram_rolls.accessToken!, {
      broadcasterId: SEEDED.bram.id,
      title: 'Something else',
      choices: ['A', 'B'],
      durationSeconds: 300,
    })
    const poll = await preparedPoll(campaign)

    await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    assert.equal(run.status, 'running')
    assert.equal(channelOf(run, SEEDED.aria).outcome, 'created')
    assert.include(channelOf(run, SEEDED.bram).serialize(), {
      outcome: 'failed',
      reason: 'twitch_refused',
      error: 'The broadcaster already has an active poll; end it before creating another',
    })
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}`).loginAs(gm)
    page.assertTextIncludes(
      'Twitch refused: The broadcaster already has an active poll; end it before creating another'
    )
  })

  test('the form is answered once the run exists: the page shows each channel asking Twitch, then how the launch went', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign)
    // Twitch is slow on Bram's channel: his answer is still on its way.
    twitchEmulator.state.setUserLatency(SEEDED.bram.id, 2_000)

    const response = await launchRequest(client, gm, campaign, poll, launchKey(), undefined, {
      answerOnly: true,
    })
    const { id: runId } = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/runs/${runId}`)

    const launching = await runPageSnapshot(client, gm, campaign, runId)
    assert.equal(launching.status, 'launching')
    assert.equal(
      englishNote(launching.launchNote),
      `Launching "${poll.title}": asking Twitch on 2 channels…`
    )
    assert.sameMembers(
      launching.asking.map((channel) => channel.login),
      [SEEDED.aria.login, SEEDED.bram.login]
    )
    const page = await client.get(`/campaigns/${campaign.id}/runs/${runId}`).loginAs(gm)
    page.assertTextIncludes('asking Twitch…')

    await settleLaunches()
    const launched = await runPageSnapshot(client, gm, campaign, runId)
    assert.equal(launched.status, 'running')
    assert.deepEqual(launched.asking, [])
    assert.equal(englishNote(launched.launchNote), `"${poll.title}" is live on 2 of 2 channels.`)
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.bram.id), 1)
  })

  test('automod refuses the title everywhere: the run fails and the campaign stays free', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign, { title: 'Is this a scam?' })

    const response = await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    response.assertStatus(302)
    const snapshot = await runPageSnapshot(client, gm, campaign, run.id)
    assert.equal(
      englishNote(snapshot.launchNote),
      'No channel could run this poll: see why for each channel below.'
    )
    assert.equal(run.status, 'failed')
    assert.equal(run.endReason, 'no_channel')
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      assert.include(channelOf(run, account).serialize(), {
        outcome: 'failed',
        reason: 'twitch_refused',
        error: 'The poll title failed automod check',
      })
    }
    // Nothing is running: the next poll launches.
    const next = await preparedPoll(campaign, { title: 'Clean question' })
    await launchRequest(client, gm, campaign, next)
    const latest = await PollRun.query().where('poll_id', next.id).firstOrFail()
    assert.equal(latest.status, 'running')
  })

  test('Twitch unreachable for one channel: the others still get the poll', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 503 })
    const poll = await preparedPoll(campaign)

    await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    assert.equal(channelOf(run, SEEDED.aria).outcome, 'created')
    assert.include(channelOf(run, SEEDED.bram).serialize(), {
      outcome: 'failed',
      reason: 'twitch_unreachable',
    })
  })

  test('a 401 on create goes through the reactive refresh and is retried once', async ({
    assert,
    client,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.bram])
    twitchEmulator.state.failHelix(SEEDED.bram.id, { status: 401, times: 1 })
    const poll = await preparedPoll(campaign)

    await launchRequest(client, gm, campaign, poll)

    const run = await onlyRun(campaign)
    assert.equal(channelOf(run, SEEDED.bram).outcome, 'created')
    assert.equal(refreshCalls(SEEDED.bram.id), 1)
    assert.equal(helixCount('polls.create'), 2)
    const stored = await streamers.bram_rolls.refresh()
    assert.notEqual(stored.accessToken, null)
    assert.isNull(stored.tokenRefreshFailedAt)
  })

  test('the same launch form submitted twice creates one run and one poll per channel', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const poll = await preparedPoll(campaign)
    const key = launchKey()

    const first = await launchRequest(client, gm, campaign, poll, key)
    const second = await launchRequest(client, gm, campaign, poll, key)

    const run = await onlyRun(campaign)
    first.assertHeader('location', `/campaigns/${campaign.id}/runs/${run.id}`)
    second.assertHeader('location', `/campaigns/${campaign.id}/runs/${run.id}`)
    assert.equal(helixCount('polls.create'), 2)
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.aria.id), 1)
    assert.lengthOf(twitchEmulator.state.listPolls(SEEDED.bram.id), 1)
  })

  test('a double submit racing itself still creates one run', async ({ assert, client }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    twitchEmulator.state.setLatency(100)
    const poll = await preparedPoll(campaign)
    const key = launchKey()

    const responses = await Promise.all([
      launchRequest(client, gm, campaign, poll, key),
      launchRequest(client, gm, campaign, poll, key),
    ])

    const run = await onlyRun(campaign)
    for (const response of responses) {
      response.assertHeader('location', `/campaigns/${campaign.id}/runs/${run.id}`)
    }
    assert.equal(helixCount('polls.create'), 2)
  })

  test('a second launch while a poll runs is refused and leads to the live poll', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const first = await preparedPoll(campaign, { title: 'First' })
    const second = await preparedPoll(campaign, { title: 'Second' })
    await launchRequest(client, gm, campaign, first)
    const live = await onlyRun(campaign)

    const response = await launchRequest(client, gm, campaign, second)

    response.assertStatus(302)
    response.assertHeader('location', `/campaigns/${campaign.id}/runs/${live.id}`)
    response.assertFlashMessage(
      'error',
      `"First" (run ${live.id}) is still running in this campaign: end it before launching ` +
        'another poll.'
    )
    assert.lengthOf(await PollRun.query().where('campaign_id', campaign.id), 1)
    assert.equal(helixCount('polls.create'), 2)

    // Once it has ended, the next one launches.
    await client
      .post(`/campaigns/${campaign.id}/runs/${live.id}/end`)
      .loginAs(gm)
      .withCsrfToken()
      .redirects(0)
    const again = await launchRequest(client, gm, campaign, second)
    const next = await PollRun.query().where('poll_id', second.id).firstOrFail()
    again.assertHeader('location', `/campaigns/${campaign.id}/runs/${next.id}`)
    assert.equal(next.status, 'running')
  })

  test('two different launches at the same moment: one runs, the other is refused', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria])
    twitchEmulator.state.setLatency(100)
    const first = await preparedPoll(campaign, { title: 'First' })
    const second = await preparedPoll(campaign, { title: 'Second' })

    const responses = await Promise.all([
      launchRequest(client, gm, campaign, first),
      launchRequest(client, gm, campaign, second),
    ])

    const runs = await PollRun.query().where('campaign_id', campaign.id)
    assert.lengthOf(runs, 1)
    assert.equal(helixCount('polls.create'), 1)
    const refused = responses.filter((response) => response.flashMessage('error'))
    assert.lengthOf(refused, 1)
  })

  test('channels are checked and polls created in parallel, not one after another', async ({
    assert,
    client,
  }) => {
    const latency = 200
    const { gm, campaign } = await campaignWithChannels([
      SEEDED.aria,
      SEEDED.bram,
      SEEDED.cass,
      SEEDED.dorian,
    ])
    const poll = await preparedPoll(campaign)
    twitchEmulator.state.setLatency(latency)

    const started = performance.now()
    await launchRequest(client, gm, campaign, poll)
    const elapsed = performance.now() - started

    const run = await onlyRun(campaign)
    assert.lengthOf(
      run.channels.filter((channel) => channel.outcome === 'created'),
      4
    )
    // One /validate then one create per channel: 2 round trips in parallel,
    // against 8 (1.6 s) one after another.
    assert.isBelow(elapsed, 4 * latency + 200)
  })

  test('another GM can neither launch nor read the polls, results or history', async ({
    assert,
    client,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const poll = await preparedPoll(campaign)
    await launchRequest(client, gm, campaign, poll)
    const run = await onlyRun(campaign)
    const createsBefore = helixCount('polls.create')
    const otherGm = await UserFactory.create()

    const refused = await launchRequest(client, otherGm, campaign, poll)
    refused.assertStatus(404)
    for (const path of [
      `/campaigns/${campaign.id}/polls`,
      `/campaigns/${campaign.id}/runs`,
      `/campaigns/${campaign.id}/runs/${run.id}`,
      `/campaigns/${campaign.id}/runs/${run.id}/results`,
    ]) {
      const response = await client.get(path).loginAs(otherGm)
      response.assertStatus(404)
      assert.notInclude(response.text(), poll.title)
    }
    const end = await client
      .post(`/campaigns/${campaign.id}/runs/${run.id}/end`)
      .loginAs(otherGm)
      .withCsrfToken()
      .redirects(0)
    end.assertStatus(404)

    assert.equal(helixCount('polls.create'), createsBefore)
    assert.equal(helixCount('polls.update'), 0)
    await run.refresh()
    assert.equal(run.status, 'running')
    assert.lengthOf(await PollRun.query().where('campaign_id', campaign.id), 1)
  })

  test('live results: only the GM may subscribe to the run’s channel', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const poll = await preparedPoll(campaign)
    await launchRequest(client, gm, campaign, poll)
    const run = await onlyRun(campaign)
    const otherGm = await UserFactory.create()
    // Transmit keeps subscriptions with the client's open stream: open one
    // for the uid first, as the browser client does before subscribing.
    const stream = new AbortController()
    const events = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/__transmit/events?uid=test-uid`,
      { signal: stream.signal }
    )
    assert.equal(events.status, 200)
    const subscribe = (user: User | null, channel: string) => {
      const request = client
        .post('/__transmit/subscribe')
        .withCsrfToken()
        .json({ uid: 'test-uid', channel })
      return user ? request.loginAs(user) : request
    }

    const cases = [
      [gm, `polls/runs/${run.id}`, 204],
      [otherGm, `polls/runs/${run.id}`, 400],
      [null, `polls/runs/${run.id}`, 400],
      [gm, 'polls/runs/not-a-number', 400],
    ] as const
    try {
      for (const [user, channel, status] of cases) {
        const response = await subscribe(user, channel)
        response.assertStatus(status)
      }
    } finally {
      stream.abort()
    }
  })
})
