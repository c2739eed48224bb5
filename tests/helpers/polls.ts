import { randomBytes } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import { buildInjected } from '#providers/injected_singleton'
import { PollRunWatcher } from '#services/polls/poll_run_watcher'
import redis from '@adonisjs/redis/services/main'
import type { Group } from '@japa/runner/core'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import type Campaign from '#models/campaign'
import type Streamer from '#models/streamer'
import Poll from '#models/poll'
import PollRun, { type VotingMode } from '#models/poll_run'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { PollSettings } from '#services/polls/poll_settings'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { HelixRateBook } from '#services/polls/helix_rate_book'
import { EndRetries } from '#services/polls/end_retries'
import { LaunchWork } from '#services/polls/launch_work'
import type { RunSnapshot } from '#services/polls/poll_snapshot'
import { campaignTestSetup, connectedStreamer, SEEDED } from '#tests/helpers/campaigns'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { translator } from '#services/i18n/translator'
import { messageText, type Message } from '#services/i18n/message'

export type SeededAccount = (typeof SEEDED)[keyof typeof SEEDED]

/**
 * Poll tests: empty tables, a fresh emulator and a fixed clock (from
 * campaignTestSetup), no poller or lock left by an earlier test, and poll
 * settings whose background reads are slow unless a test asks otherwise
 * (tests read with `poller.tick()` to stay deterministic).
 */
export function pollTestSetup(group: Group, overrides: Partial<PollSettings> = {}) {
  const clock = campaignTestSetup(group)
  group.each.setup(async () => {
    usePollSettings(overrides)
    // The process's one watcher (a provider's singleton) holds the settings
    // and clock it was built with: the test gets its own, with these.
    const watcher = await buildInjected(app.container, PollRunWatcher)
    app.container.swap(PollRunWatcher, () => watcher)
    const rateBook = await app.container.make(HelixRateBook)
    rateBook.clear()
    await clearPollKeys()
    return async () => {
      // A launch answered first finishes with its test.
      await settleLaunches()
      const poller = await app.container.make(PollResultsPoller)
      await poller.stopAll()
      // An end still retried in the background stops with its test.
      const retries = await app.container.make(EndRetries)
      await retries.stopAll()
      await watcher.stop()
      app.container.restore(PollRunWatcher)
      app.container.restore(PollSettings)
    }
  })
  return clock
}

/**
 * Poll settings for the running test (restored by pollTestSetup).
 */
export function usePollSettings(overrides: Partial<PollSettings> = {}) {
  const settings = new PollSettings({
    minReadIntervalMs: 60_000,
    maxReadIntervalMs: 60_000,
    endGraceMs: 5_000,
    ...overrides,
  })
  app.container.swap(PollSettings, () => settings)
  return settings
}

async function clearPollKeys() {
  const keys = await redis.keys('polls:*')
  if (keys.length > 0) await redis.del(...keys)
}

/**
 * A GM's campaign whose members are emulator accounts holding real tokens,
 * each with an active poll authorization.
 */
export async function campaignWithChannels(accounts: SeededAccount[]) {
  const gm = await UserFactory.create()
  const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
  const streamers: Record<string, Streamer> = {}
  for (const account of accounts) {
    const streamer = await connectedStreamer(account)
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: streamer.id,
    }).create()
    streamers[account.login] = streamer
  }
  return { gm, campaign, streamers }
}

export async function preparedPoll(campaign: Campaign, overrides: Partial<Poll> = {}) {
  const count = await Poll.query().where('campaign_id', campaign.id).count('* as total').first()
  return Poll.create({
    campaignId: campaign.id,
    position: Number(count?.$extras.total ?? 0) + 1,
    title: 'Does the party trust the innkeeper?',
    choices: ['Yes', 'No', 'Roll for it'],
    durationSeconds: 120,
    channelPointsPerVote: null,
    ...overrides,
  })
}

export function launchKey() {
  return randomBytes(16).toString('base64url')
}

export async function runWithChannels(runId: number) {
  const run = await PollRun.findOrFail(runId)
  await run.load('channels')
  return run
}

/** The campaign's run (the test launched one), with its channels. */
export async function campaignRun(campaign: Campaign) {
  const { id } = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
  return runWithChannels(id)
}

/**
 * The run's channel row for a seeded account.
 */
export function channelOf(run: PollRun, account: SeededAccount) {
  const channel = run.channels.find((candidate) => candidate.twitchUserId === account.id)
  if (!channel) throw new Error(`no channel row for ${account.login}`)
  return channel
}

/**
 * Votes per choice as the emulator counts them for a poll.
 */
export function emulatorVotes(twitchPollId: string) {
  const poll = twitchEmulator.state.getPoll(twitchPollId)
  if (!poll) throw new Error(`the emulator has no poll ${twitchPollId}`)
  return poll.choices.map((choice) => choice.votes)
}

export function helixCount(key: 'polls.create' | 'polls.get' | 'polls.update') {
  return twitchEmulator.state.stats().counts[key]
}

/**
 * The launch form posted by the GM; `votingMode` `chat` ticks "Vote in chat
 * everywhere". The form is answered as soon as the run exists; this waits
 * for the rest of the launch too (`answerOnly` does not), so the test reads
 * the launch as recorded.
 */
export async function launchRequest(
  client: ApiClient,
  gm: User,
  campaign: Campaign,
  poll: Poll,
  key = launchKey(),
  votingMode?: VotingMode,
  options: { answerOnly?: boolean } = {}
) {
  const response = await client
    .post(`/campaigns/${campaign.id}/polls/${poll.id}/launch`)
    .loginAs(gm)
    .withCsrfToken()
    .form({ idempotency_key: key, ...(votingMode ? { voting_mode: votingMode } : {}) })
    .redirects(0)
  if (!options.answerOnly) await settleLaunches()
  return response
}

/** Waits for the launches this process answered first, and what follows them. */
export async function settleLaunches() {
  const work = await app.container.make(LaunchWork)
  await work.settle()
}

/** The run as the GM's page loads it (its JSON snapshot). */
export async function runPageSnapshot(
  client: ApiClient,
  gm: User,
  campaign: Campaign,
  runId: number
): Promise<RunSnapshot> {
  const response = await client.get(`/campaigns/${campaign.id}/runs/${runId}/results`).loginAs(gm)
  response.assertStatus(200)
  return response.body()
}

/** "End now" pressed by the GM on the run's page. */
export function endNowRequest(client: ApiClient, gm: User, campaign: Campaign, run: PollRun) {
  return client
    .post(`/campaigns/${campaign.id}/runs/${run.id}/end`)
    .loginAs(gm)
    .withCsrfToken()
    .redirects(0)
}

/**
 * The GM launches the poll over HTTP; the campaign's run, with its channels.
 */
export async function launchRun(client: ApiClient, gm: User, campaign: Campaign, poll: Poll) {
  await launchRequest(client, gm, campaign, poll)
  return campaignRun(campaign)
}

/**
 * A campaign with a poll running on the given channels, launched over HTTP.
 */
export async function launchedPoll(client: ApiClient, accounts: SeededAccount[]) {
  const { gm, campaign, streamers } = await campaignWithChannels(accounts)
  const poll = await preparedPoll(campaign)
  const run = await launchRun(client, gm, campaign, poll)
  const pollIdOf = (account: SeededAccount) => channelOf(run, account).twitchPollId!
  return { gm, campaign, streamers, poll, run, pollIdOf }
}

export { waitUntil } from '#tests/helpers/wait_until'
export { SEEDED }

/** The run page's launch note (a message key and values) as an English reader reads it. */
export function englishNote(note: Message | null) {
  return note ? messageText(translator('en'), note) : null
}
