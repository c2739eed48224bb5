import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { storedDetail } from '#services/polls/channel_detail'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import env from '#start/env'
import PollRun from '#models/poll_run'
import PollChannel from '#models/poll_channel'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollRunWatcher } from '#services/polls/poll_run_watcher'
import { PollRunCloser } from '#services/polls/poll_run_closer'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollChannelEvents } from '#services/polls/poll_channel_events'
import { RunOwnerLeases } from '#services/polls/run_owner_leases'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { StreamerTokenRunner } from '#services/tokens/streamer_token_runner'
import { ResultsPush } from '#services/polls/results_push'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { apiLaunch, apiTokenOf, errorFields } from '#tests/helpers/api'
import {
  campaignRun,
  campaignWithChannels,
  channelOf,
  endNowRequest,
  helixCount,
  launchedPoll,
  launchKey,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runPageSnapshot,
  runWithChannels,
  SEEDED,
  usePollSettings,
  waitUntil,
  englishNote,
} from '#tests/helpers/polls'
import { eventsubTestSetup, reconcileSubscriptions } from '#tests/helpers/eventsub'
import { chatTexts, chatVoteSetup, mixedCampaign } from '#tests/helpers/chat_votes'

const QUESTION = { title: 'Trust the ferryman?', choices: ['Yes', 'No'], duration: 120 }

/** A database fault at the step that records a launch's channels. */
async function refuseChannelRows() {
  await db.rawQuery(`CREATE OR REPLACE FUNCTION chorus_test_refuse_channels() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'disk full (test fault)'; END $$ LANGUAGE plpgsql`)
  await db.rawQuery(`CREATE TRIGGER chorus_test_refuse_channels BEFORE INSERT ON poll_channels
    FOR EACH ROW EXECUTE FUNCTION chorus_test_refuse_channels()`)
}

async function acceptChannelRows() {
  await db.rawQuery('DROP TRIGGER IF EXISTS chorus_test_refuse_channels ON poll_channels')
}

async function settle() {
  await twitchEmulator.state.eventsub.idle()
  const push = await app.container.make(ResultsPush)
  await push.flush()
}

/**
 * A mixed launch whose instance recorded it and died before posting Pat's
 * chat question.
 */
async function launchNeverAskingPat(client: ApiClient) {
  const { gm, campaign } = await mixedCampaign()
  const launch = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
  launch.assertStatus(302)
  const run = await campaignRun(campaign)
  const pat = channelOf(run, SEEDED.pat)
  await db.from('poll_channels').where('id', pat.id).update({ chat_announced_at: null })
  return { gm, campaign, run, pat }
}

function say(chatter: string, text: string) {
  return twitchEmulator.state.postViewerMessage({
    broadcasterId: SEEDED.pat.id,
    chatterLogin: chatter,
    text,
  })
}

test.group('Poll lifecycle: launches that fail', (group) => {
  const clock = pollTestSetup(group)
  group.each.setup(() => acceptChannelRows)

  test('a database fault after the polls were created: they are ended on Twitch, the API says so (503, not 500), a repeat says it failed', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const token = await apiTokenOf(gm)
    await refuseChannelRows()

    const first = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'launch-1')
      .json(QUESTION)

    first.assertStatus(503)
    assert.match(first.body().errors[0].message, /was interrupted: the polls already created/)
    assert.equal(helixCount('polls.create'), 2)
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const [poll] = twitchEmulator.state.listPolls(account.id)
      assert.equal(poll.status, 'TERMINATED')
    }
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    assert.equal(run.status, 'failed')
    assert.equal(run.endReason, 'interrupted')

    const again = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'launch-1')
      .json(QUESTION)
    again.assertStatus(409)
    assert.equal(again.header('idempotent-replayed'), 'true')
    assert.match(again.body().errors[0].message, /failed/)
    assert.equal(helixCount('polls.create'), 2)

    // The page's launch says it too, and the campaign is free to launch again.
    const poll = await preparedPoll(campaign)
    const page = await launchRequest(client, gm, campaign, poll, launchKey())
    page.assertStatus(302)
    const failed = await PollRun.query()
      .where('campaign_id', campaign.id)
      .where('poll_id', poll.id)
      .firstOrFail()
    page.assertHeader('location', `/campaigns/${campaign.id}/runs/${failed.id}`)
    const snapshot = await runPageSnapshot(client, gm, campaign, failed.id)
    assert.equal(snapshot.status, 'failed')
    assert.equal(
      englishNote(snapshot.launchNote),
      'The launch was interrupted: the polls already created on Twitch were ended and nothing runs. Launch again.'
    )
    await acceptChannelRows()
    const retry = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'launch-2')
      .json(QUESTION)
    retry.assertStatus(201)
  })

  test('a launch another instance undid meanwhile (its lease lapsed) is not recorded over the undo', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const token = await apiTokenOf(gm)
    twitchEmulator.state.setUserLatency(SEEDED.bram.id, 1_000)
    // Sent now (the test client sends a request once it is awaited).
    const launching = apiLaunch(client, campaign.id, token)
      .json(QUESTION)
      .then((answer) => answer)
    await waitUntil(() => helixCount('polls.create') === 2)
    // What a watcher does once the lease lapsed.
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    const store = await app.container.make(PollRunStore)
    assert.isTrue(
      await store.transition(run.id, 'launching', 'failed', { endReason: 'interrupted' })
    )

    const response = await launching
    twitchEmulator.state.setUserLatency(SEEDED.bram.id, null)

    response.assertStatus(503)
    const stored = await runWithChannels(run.id)
    assert.equal(stored.status, 'failed')
    assert.lengthOf(stored.channels, 0)
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const [poll] = twitchEmulator.state.listPolls(account.id)
      assert.equal(poll.status, 'TERMINATED')
    }
  })

  test('a display name as long as the streamers table allows fits a channel row', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.bram])
    const long = 'B'.repeat(255)
    streamers.bram_rolls.twitchDisplayName = long
    await streamers.bram_rolls.save()

    const response = await apiLaunch(client, campaign.id, await apiTokenOf(gm)).json(QUESTION)

    response.assertStatus(201)
    const run = await campaignRun(campaign)
    assert.equal(channelOf(run, SEEDED.bram).displayName, long)
  })

  test('a launch whose instance died: another instance ends the polls it created on Twitch', async ({
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const store = await app.container.make(PollRunStore)
    const stuck = await store.create({
      campaignId: campaign.id,
      pollId: null,
      launchedById: gm.id,
      idempotencyKey: launchKey(),
      title: QUESTION.title,
      choices: QUESTION.choices,
      durationSeconds: 120,
      channelPointsPerVote: null,
    })
    // The dead instance had created Bram's poll; an older poll of Aria's with another title stays.
    const helix = await app.container.make(TwitchHelixClient)
    const runner = await app.container.make(StreamerTokenRunner)
    const create = (streamer: (typeof streamers)[string], title: string) =>
      runner.run(streamer, (accessToken) =>
        helix.createPoll(accessToken, {
          broadcasterId: streamer.twitchUserId,
          title,
          choices: QUESTION.choices,
          durationSeconds: 120,
        })
      )
    const { data: created } = await create(streamers.bram_rolls, QUESTION.title)
    const { data: unrelated } = await create(streamers.aria_plays, 'Another question')

    const watcher = await app.container.make(PollRunWatcher)
    await watcher.sweep()
    const notYet = await PollRun.findOrFail(stuck.id)
    assert.equal(notYet.status, 'launching')

    clock.advance({ seconds: 3 })
    await watcher.sweep()
    const failed = await PollRun.findOrFail(stuck.id)
    assert.equal(failed.status, 'failed')
    assert.equal(failed.endReason, 'interrupted')
    assert.equal(twitchEmulator.state.getPoll(created.id)!.status, 'TERMINATED')
    assert.equal(twitchEmulator.state.getPoll(unrelated.id)!.status, 'ACTIVE')
  })
})

test.group('Poll lifecycle: Idempotency-Key', (group) => {
  pollTestSetup(group)

  test('the same key with another body is a 422 naming the key; an empty key is a 422', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)
    const first = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'same-key')
      .json(QUESTION)
    first.assertStatus(201)

    const other = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'same-key')
      .json({ ...QUESTION, title: 'Something else?' })
    other.assertStatus(422)
    assert.include(errorFields(other.body()).idempotency_key, '"same-key"')
    assert.isUndefined(other.header('idempotent-replayed'))

    // Sent as is (the test client leaves empty headers out).
    const empty = await fetch(`${env.get('APP_URL')}/api/v1/campaigns/${campaign.id}/polls`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': '',
      },
      body: JSON.stringify(QUESTION),
    })
    assert.equal(empty.status, 422)
    const body = (await empty.json()) as { errors: { message: string; field?: string }[] }
    assert.include(errorFields(body).idempotency_key, 'empty')
    assert.equal(helixCount('polls.create'), 1)
  })
})

test.group('Poll lifecycle: ending, whoever ends it', (group) => {
  const clock = pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)

  test('an "End now" whose instance died is finished by another: chat closed and counted, Twitch polls ended, results posted', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const launch = await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    launch.assertStatus(302)
    const run = await campaignRun(campaign)
    say('viewer_a', '2')
    say('viewer_b', '2')
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.aria).twitchPollId!, 0, 3)
    await settle()

    // The instance moved the run to `ending` and died before closing anything.
    const poller = await app.container.make(PollResultsPoller)
    await poller.stop(run.id)
    const store = await app.container.make(PollRunStore)
    assert.isTrue(await store.transition(run.id, 'running', 'ending', { endedAt: clock.now() }))
    clock.advance({ seconds: 3 })
    const watcher = await app.container.make(PollRunWatcher)
    await watcher.sweep()
    say('viewer_c', '1')
    await settle()

    const ended = await runWithChannels(run.id)
    assert.equal(ended.status, 'terminated')
    assert.deepEqual(channelOf(ended, SEEDED.pat).votes, [0, 2, 0])
    assert.deepEqual(ended.totals, [3, 2, 0])
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const pollId = channelOf(ended, account).twitchPollId!
      assert.equal(twitchEmulator.state.getPoll(pollId)!.status, 'TERMINATED')
    }
    assert.lengthOf(
      chatTexts(SEEDED.pat.id).filter((text) => text.startsWith('Results')),
      1
    )
    assert.isNull(await redis.get(`chorus:chat-vote:live:${SEEDED.pat.id}`))
  }).tags(['@run_end'])

  test('End now while another instance holds the run: its chat votes close at the click all the same', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const run = await campaignRun(campaign)
    say('viewer_a', '2')
    await settle()
    const leases = await app.container.make(RunOwnerLeases)
    const other = await leases.take(run.id)
    assert.isNotNull(other)

    try {
      await endNowRequest(client, gm, campaign, run)
      say('viewer_b', '1')
      await settle()
    } finally {
      await other!.release()
    }

    // The other instance is gone; this one's watcher closes the run: the vote
    // sent after the click is not in it.
    const closer = await app.container.make(PollRunCloser)
    const outcome = await closer.takeOver(run.id)
    assert.equal(outcome?.status, 'closed')
    const ended = await runWithChannels(run.id)
    assert.deepEqual(ended.totals, [0, 1, 0])
  }).tags(['@run_end'])

  test('a database fault while closing an ending run: the error is not hidden and the run is given back for the next try', async ({
    client,
    assert,
  }) => {
    const { run } = await launchedPoll(client, [SEEDED.aria])
    const store = await app.container.make(PollRunStore)
    assert.isTrue(await store.transition(run.id, 'running', 'ending', { endedAt: clock.now() }))
    const closer = await app.container.make(PollRunCloser)
    await db.rawQuery(`CREATE OR REPLACE FUNCTION chorus_test_refuse_runs() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'disk full (test fault)'; END $$ LANGUAGE plpgsql`)
    await db.rawQuery(`CREATE TRIGGER chorus_test_refuse_runs BEFORE UPDATE ON poll_runs
      FOR EACH ROW EXECUTE FUNCTION chorus_test_refuse_runs()`)
    try {
      await assert.rejects(() => closer.takeOver(run.id), /disk full/)
    } finally {
      await db.rawQuery('DROP TRIGGER IF EXISTS chorus_test_refuse_runs ON poll_runs')
    }

    const outcome = await closer.takeOver(run.id)
    assert.equal(outcome?.status, 'closed')
    const ended = await PollRun.findOrFail(run.id)
    assert.equal(ended.status, 'terminated')
  }).tags(['@run_end'])

  test('a chat question its launching instance never posted is posted by one of two watchers, once, saying the time left', async ({
    client,
    assert,
  }) => {
    const { run, pat } = await launchNeverAskingPat(client)
    const asked = () => chatTexts(SEEDED.pat.id).filter((text) => text.includes(run.title)).length
    const before = asked()
    clock.advance({ seconds: 30 })

    const watchers = await Promise.all([
      app.container.make(PollRunWatcher),
      app.container.make(PollRunWatcher),
    ])
    await Promise.all(watchers.map((watcher) => watcher.sweep()))
    await Promise.all(watchers.map((watcher) => watcher.sweep()))

    assert.equal(asked(), before + 1)
    // The time left, counted from the run's end (its first Twitch poll's start + 120 s) on the
    // test's clock, 30 s later: about 90 s.
    const left = chatTexts(SEEDED.pat.id)
      .map((text) => text.match(/(\d+) s to vote/)?.[1])
      .filter((seconds) => seconds !== undefined)
      .map(Number)
    assert.isNotEmpty(left)
    assert.closeTo(left.at(-1)!, 90, 5)
    const row = await PollChannel.findOrFail(pat.id)
    assert.equal(row.outcome, 'created')
    assert.isNotNull(row.chatAnnouncedAt)
    say('viewer_a', '3')
    await settle()
    const counted = await PollChannel.findOrFail(pat.id)
    assert.deepEqual(counted.votes, [0, 0, 1])
  })

  test('too late to ask a chat channel its launching instance never asked: left out, saying why', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pat } = await launchNeverAskingPat(client)
    const asked = () => chatTexts(SEEDED.pat.id).filter((text) => text.includes(run.title)).length
    const before = asked()
    clock.advance({ seconds: run.durationSeconds - 10 })

    const watcher = await app.container.make(PollRunWatcher)
    await watcher.sweep()

    assert.equal(asked(), before)
    const row = await PollChannel.findOrFail(pat.id)
    assert.equal(row.outcome, 'failed')
    assert.equal(row.reason, 'not_asked')
    // Its vote is closed: a late message counts nowhere.
    say('viewer_a', '1')
    await settle()
    const closed = await PollChannel.findOrFail(pat.id)
    assert.deepEqual(closed.votes, [0, 0, 0])
    const page = await client.get(`/campaigns/${campaign.id}/runs/${run.id}/results`).loginAs(gm)
    const leftOut = page.body().leftOut.find((c: { login: string }) => c.login === SEEDED.pat.login)
    assert.equal(leftOut.reason, 'not_asked')
    assert.deepEqual(leftOut.error, { code: 'not_asked_in_time' })
  })

  test('a run that ends with a chat channel never asked lists it with the channels left out', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, run, pat } = await launchNeverAskingPat(client)

    const ended = await endNowRequest(client, gm, campaign, run)
    ended.assertStatus(302)

    const row = await PollChannel.findOrFail(pat.id)
    assert.equal(row.outcome, 'failed')
    assert.equal(row.reason, 'not_asked')
    const stored = await PollRun.findOrFail(run.id)
    assert.equal(stored.status, 'terminated')
  }).tags(['@run_end'])

  test('End now ends the Twitch polls of channels live by event, and the live totals include chat channels', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    await reconcileSubscriptions()
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const run = await campaignRun(campaign)
    assert.equal(channelOf(run, SEEDED.aria).resultsVia, 'events')
    say('viewer_a', '3')
    twitchEmulator.state.castVotes(channelOf(run, SEEDED.bram).twitchPollId!, 0, 2)
    await settle()
    const poller = await app.container.make(PollResultsPoller)
    await poller.tick(run.id)

    const live = await client.get(`/campaigns/${campaign.id}/runs/${run.id}/results`).loginAs(gm)
    assert.deepEqual(live.body().totals, [2, 0, 1])

    await endNowRequest(client, gm, campaign, run)
    const ended = await runWithChannels(run.id)
    for (const account of [SEEDED.aria, SEEDED.bram]) {
      const pollId = channelOf(ended, account).twitchPollId!
      assert.equal(twitchEmulator.state.getPoll(pollId)!.status, 'TERMINATED')
    }
    assert.deepEqual(ended.totals, [2, 0, 1])
    // Twitch is told about its two polls only: the chat channel has none.
    assert.equal(ended.status, 'terminated')
    assert.equal(helixCount('polls.update'), 2)
    assert.isNull(channelOf(ended, SEEDED.pat).lastReadError)
  }).tags(['@run_end'])

  test("a poll event lands on its own poll's row only, and never on a run that is over", async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const older = await campaignRun(campaign)
    await endNowRequest(client, gm, campaign, older)
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const current = await PollRun.query()
      .where('campaign_id', campaign.id)
      .where('status', 'running')
      .firstOrFail()
    const events = await app.container.make(PollChannelEvents)
    const olderPollId = channelOf(older, SEEDED.bram).twitchPollId!
    const event = (pollId: string) => ({
      id: pollId,
      broadcaster_user_id: SEEDED.bram.id,
      choices: [{ votes: 7 }, { votes: 1 }, { votes: 0 }],
    })

    // The older poll's late event: its run is over, the current run is not touched.
    assert.isNull(await events.apply(event(olderPollId), false))
    const rows = await PollChannel.query().where('twitch_user_id', SEEDED.bram.id).orderBy('id')
    assert.deepEqual(
      rows.map((row) => row.votes),
      [
        [0, 0, 0],
        [0, 0, 0],
      ]
    )
    // The current poll's event counts on the current run.
    await runWithChannels(current.id)
    const currentPollId = rows[1].twitchPollId!
    assert.equal(await events.apply(event(currentPollId), false), current.id)
    const updated = await PollChannel.findOrFail(rows[1].id)
    assert.deepEqual(updated.votes, [7, 1, 0])
  })
})

test.group('Poll lifecycle: a chat channel waits for its subscription', (group) => {
  pollTestSetup(group)
  // Twitch's challenge cannot reach Chorus: the chat subscription is never enabled.
  eventsubTestSetup(group, { callbackUrl: 'http://127.0.0.1:9/webhooks/twitch/eventsub' })
  chatVoteSetup(group)

  test('no enabled subscription within the wait: the question is not posted and the channel is left out', async ({
    client,
    assert,
  }) => {
    usePollSettings()
    const { gm, campaign } = await mixedCampaign()
    await launchRequest(client, gm, campaign, await preparedPoll(campaign))
    const run = await campaignRun(campaign)

    const pat = channelOf(run, SEEDED.pat)
    assert.equal(pat.outcome, 'failed')
    assert.equal(pat.error, storedDetail('chat_not_confirmed'))
    assert.lengthOf(chatTexts(SEEDED.pat.id), 0)
    assert.equal(channelOf(run, SEEDED.aria).outcome, 'created')
  })
})
