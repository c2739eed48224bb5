import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import PollRun from '#models/poll_run'
import PollChannel from '#models/poll_channel'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { bootWebInstance, type WebInstance } from '#tests/helpers/web_instance'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { apiTokenOf } from '#tests/helpers/api'
import { connectedStreamer } from '#tests/helpers/campaigns'
import { campaignWithChannels, pollTestSetup, SEEDED, waitUntil } from '#tests/helpers/polls'
import { unusedPort } from '#tests/helpers/ports'
import { clearEventSubKeys, EVENTSUB_SECRET } from '#tests/helpers/eventsub'
import { chatTexts, chatVoteSetup, mixedCampaign } from '#tests/helpers/chat_votes'

/**
 * Instances die mid-work (SIGKILL by pid) and another one finishes their
 * runs (docs/live-results.md, "When something fails"). Short leases and
 * watch intervals make each scenario take seconds; the emulator's latency
 * holds the dying instance's answers, and the test waits on the emulator's
 * request counters to kill it at the right step, never on a guessed time.
 */
const FAST = {
  POLL_WATCH_INTERVAL_MS: '300',
  POLL_OWNER_LOCK_TTL_MS: '1500',
  POLL_READER_LOCK_TTL_MS: '1500',
  POLL_END_RETRY_MS: '300',
}

/** What the surviving instance must reach, at most, after the kill. */
const TAKEOVER_MS = 30_000

const QUESTION = { title: 'Open the vault now?', choices: ['Yes', 'No'], duration: 600 }

async function twoInstances() {
  return Promise.all([bootWebInstance(FAST), bootWebInstance(FAST)])
}

function launchOn(instance: WebInstance, campaignId: number, token: string) {
  return fetch(`${instance.url}/api/v1/campaigns/${campaignId}/polls`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(QUESTION),
  })
}

function endOn(instance: WebInstance, runId: number, token: string) {
  return fetch(`${instance.url}/api/v1/runs/${runId}/end`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  })
}

/** Nothing left behind: no Twitch poll open on these channels, no run launching or ending. */
async function nothingLeftRunning(
  assert: { lengthOf: (value: unknown[], length: number) => void },
  broadcasterIds: string[]
) {
  const active = broadcasterIds
    .flatMap((id) => twitchEmulator.state.listPolls(id))
    .filter((poll) => poll.status === 'ACTIVE')
  assert.lengthOf(active, 0)
  const stuck = await PollRun.query().whereIn('status', ['launching', 'ending'])
  assert.lengthOf(stuck, 0)
}

test.group('Chaos: an instance dies mid-work, another finishes its runs', (group) => {
  group.each.timeout(120_000)
  pollTestSetup(group)
  chatVoteSetup(group)
  group.each.setup(async () => {
    await clearEventSubKeys()
    twitchEmulator.state.setEventSubSettings({ retryDelaysMs: [100, 100] })
  })

  test('killed in the middle of a launch on 20 channels: the polls it created are ended on Twitch', async ({
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([])
    const users = Array.from({ length: 20 }, (_, index) =>
      twitchEmulator.state.createUser({ login: `chaos_${index}`, broadcasterType: 'affiliate' })
    )
    for (const user of users) {
      const streamer = await connectedStreamer({
        id: user.id,
        login: user.login,
        displayName: user.displayName,
        type: 'affiliate',
      })
      await CampaignMembershipFactory.merge({
        campaignId: campaign.id,
        streamerId: streamer.id,
      }).create()
    }
    const token = await apiTokenOf(gm)
    const [dying, survivor] = await twoInstances()
    try {
      // Half the channels answer slowly: every poll exists on Twitch, half
      // of the answers have not reached the launching instance.
      for (const user of users.slice(0, 10)) twitchEmulator.state.setUserLatency(user.id, 60_000)
      void launchOn(dying, campaign.id, token).catch(() => {})
      await waitUntil(() => twitchEmulator.state.stats().counts['polls.create'] === 20, 20_000)
      await dying.kill()
      const killedAt = Date.now()
      // Twitch answers at its usual pace again for whoever takes over.
      for (const user of users) twitchEmulator.state.setUserLatency(user.id, null)

      await waitUntil(async () => {
        const run = await PollRun.query().where('campaign_id', campaign.id).first()
        return run?.status === 'failed'
      }, TAKEOVER_MS)
      assert.isBelow(Date.now() - killedAt, TAKEOVER_MS)
      const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
      assert.equal(run.endReason, 'interrupted')
      await nothingLeftRunning(
        assert,
        users.map((user) => user.id)
      )
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  })

  test('killed in the middle of End now: the run is closed with its final votes', async ({
    assert,
  }) => {
    const accounts = [SEEDED.aria, SEEDED.bram, SEEDED.cass]
    const { gm, campaign } = await campaignWithChannels(accounts)
    const token = await apiTokenOf(gm)
    const [dying, survivor] = await twoInstances()
    try {
      const launch = await launchOn(dying, campaign.id, token)
      assert.equal(launch.status, 201)
      const { run_id: runId } = (await launch.json()) as { run_id: number }
      const pollIds = accounts.map((account) => twitchEmulator.state.listPolls(account.id)[0].id)
      pollIds.forEach((pollId, index) => twitchEmulator.state.castVotes(pollId, index % 2, 2))

      // Twitch ends every poll, but its answers do not reach the instance before it dies.
      for (const account of accounts) twitchEmulator.state.setUserLatency(account.id, 60_000)
      const updatesBefore = twitchEmulator.state.stats().counts['polls.update']
      void endOn(dying, runId, token).catch(() => {})
      await waitUntil(
        () => twitchEmulator.state.stats().counts['polls.update'] === updatesBefore + 3,
        20_000
      )
      await dying.kill()
      for (const account of accounts) twitchEmulator.state.setUserLatency(account.id, null)
      const killedAt = Date.now()

      await waitUntil(async () => {
        const stored = await PollRun.findOrFail(runId)
        return stored.status === 'terminated'
      }, TAKEOVER_MS)
      assert.isBelow(Date.now() - killedAt, TAKEOVER_MS)
      const run = await PollRun.findOrFail(runId)
      assert.deepEqual(run.totals, [4, 2])
      await nothingLeftRunning(
        assert,
        accounts.map((account) => account.id)
      )
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  })

  test('killed during a chat vote: the other instance counts on and closes it; Redis and PostgreSQL agree', async ({
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const token = await apiTokenOf(gm)
    // Twitch delivers to the survivor; both run with Twitch events on.
    const survivorPort = await unusedPort()
    const events = {
      ...FAST,
      TWITCH_EVENTSUB_SECRET: EVENTSUB_SECRET,
      TWITCH_EVENTSUB_CALLBACK_URL: `http://127.0.0.1:${survivorPort}/webhooks/twitch/eventsub`,
    }
    const [dying, survivor] = await Promise.all([
      bootWebInstance(events),
      bootWebInstance({ ...events, PORT: String(survivorPort) }),
    ])
    const say = (chatter: string, text: string) =>
      twitchEmulator.state.postViewerMessage({
        broadcasterId: SEEDED.pat.id,
        chatterLogin: chatter,
        text,
      })
    try {
      const launch = await launchOn(dying, campaign.id, token)
      assert.equal(launch.status, 201)
      const { run_id: runId } = (await launch.json()) as { run_id: number }
      const pat = await PollChannel.query()
        .where('poll_run_id', runId)
        .where('twitch_user_id', SEEDED.pat.id)
        .firstOrFail()
      assert.equal(pat.voting, 'chat')
      assert.equal(pat.outcome, 'created')
      say('viewer_a', '1')
      say('viewer_b', '2')
      await twitchEmulator.state.eventsub.idle()

      // The instance that launched the run, and reads it, dies mid-vote.
      await dying.kill()
      say('viewer_c', '2')
      await twitchEmulator.state.eventsub.idle()
      twitchEmulator.state.castVotes(twitchEmulator.state.listPolls(SEEDED.aria.id)[0].id, 0, 3)

      const end = await endOn(survivor, runId, token)
      assert.equal(end.status, 200)
      const run = await PollRun.findOrFail(runId)
      assert.equal(run.status, 'terminated')
      const stored = await PollChannel.findOrFail(pat.id)
      assert.deepEqual(stored.votes, [1, 2])
      const counts = await redis.hgetall(`chorus:chat-vote:${runId}:${pat.id}:counts`)
      assert.deepEqual(
        [1, 2].map((choice) => Number(counts[String(choice)] ?? 0)),
        stored.votes
      )
      assert.deepEqual(run.totals, [4, 2])
      await nothingLeftRunning(assert, [SEEDED.aria.id, SEEDED.bram.id])
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  })
  test('killed after recording a launch, before posting its chat question: the other instance posts it, once', async ({
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const token = await apiTokenOf(gm)
    const survivorPort = await unusedPort()
    const events = {
      ...FAST,
      TWITCH_EVENTSUB_SECRET: EVENTSUB_SECRET,
      TWITCH_EVENTSUB_CALLBACK_URL: `http://127.0.0.1:${survivorPort}/webhooks/twitch/eventsub`,
    }
    const [dying, survivor] = await Promise.all([
      bootWebInstance(events),
      bootWebInstance({ ...events, PORT: String(survivorPort) }),
    ])
    const questionsInChat = () =>
      chatTexts(SEEDED.pat.id).filter((text) => text.includes(QUESTION.title)).length
    try {
      // Twitch holds the question to Pat's chat: the launch is recorded, the
      // question not posted, when the launching instance dies.
      twitchEmulator.state.failChatSends(SEEDED.pat.id, { status: 'timeout', times: 1 })
      const sends = () => twitchEmulator.state.stats().counts['chat.send'] ?? 0
      const before = sends()
      void launchOn(dying, campaign.id, token).catch(() => {})
      await waitUntil(() => sends() > before, 20_000)
      await dying.kill()
      const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
      assert.equal(run.status, 'running')
      assert.equal(questionsInChat(), 0)

      await waitUntil(async () => {
        const pat = await PollChannel.query()
          .where('poll_run_id', run.id)
          .where('twitch_user_id', SEEDED.pat.id)
          .firstOrFail()
        return pat.chatAnnouncedAt !== null
      }, TAKEOVER_MS)
      assert.equal(questionsInChat(), 1)
      const pat = await PollChannel.query()
        .where('poll_run_id', run.id)
        .where('twitch_user_id', SEEDED.pat.id)
        .firstOrFail()
      assert.equal(pat.outcome, 'created')

      // The audience was asked: its votes count.
      twitchEmulator.state.postViewerMessage({
        broadcasterId: SEEDED.pat.id,
        chatterLogin: 'viewer_a',
        text: '2',
      })
      await twitchEmulator.state.eventsub.idle()
      const end = await endOn(survivor, run.id, token)
      assert.equal(end.status, 200)
      const stored = await PollChannel.findOrFail(pat.id)
      assert.deepEqual(stored.votes, [0, 1])
      assert.equal(questionsInChat(), 2, 'the question once, then the result')
      await nothingLeftRunning(assert, [SEEDED.aria.id, SEEDED.bram.id])
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  })
})
