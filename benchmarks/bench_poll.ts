import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { ApplicationService } from '@adonisjs/core/types'
import User from '#models/user'
import Campaign from '#models/campaign'
import Poll from '#models/poll'
import { PollLaunchService } from '#services/polls/poll_launch_service'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import type { BenchEmulator, BenchTokens } from './bench_emulator.js'
import { seedStreamers } from './bench_database.js'

export const BENCH_CHOICES = ['North', 'East', 'South']

/**
 * The campaign of `tokens`' streamers (see seedStreamers) with tokens valid
 * for hours, so the launch refreshes none, and a poll `durationSeconds` long.
 */
export async function seedCampaignPoll(
  tokens: BenchTokens[],
  durationSeconds: number,
  channels?: Parameters<typeof seedStreamers>[2]
) {
  const now = DateTime.now()
  await seedStreamers(tokens, now, channels)
  await db.from('streamers').update({ token_expires_at: now.plus({ hours: 4 }).toJSDate() })
  const campaign = await Campaign.firstOrFail()
  const gm = await User.findOrFail(campaign.ownerId)
  const poll = await Poll.create({
    campaignId: campaign.id,
    position: 1,
    title: 'Which way through the forest?',
    choices: BENCH_CHOICES,
    durationSeconds,
    channelPointsPerVote: null,
  })
  return { campaign, gm, poll }
}

/** The GM launches the poll on every channel; the run with its channels. */
export async function launchBenchPoll(
  app: ApplicationService,
  { campaign, gm, poll }: Awaited<ReturnType<typeof seedCampaignPoll>>
) {
  const launcher = await app.container.make(PollLaunchService)
  const { run } = await launcher.launch(campaign, poll, gm, `bench-${Date.now()}`)
  await run.load('channels')
  return run
}

/**
 * Stops what a benchmark started, each part once it no longer feeds the
 * next: the GM's subscriber, this process's results poller, the web
 * instance, the app, the emulator.
 */
export async function stopBench(
  app: ApplicationService,
  emulator: BenchEmulator,
  subscriber: { stop(): Promise<void> } | null,
  instance: { stop(): Promise<void> } | null
) {
  await subscriber?.stop()
  const poller = await app.container.make(PollResultsPoller)
  await poller.stopAll()
  await instance?.stop()
  await app.terminate()
  await emulator.stop()
}
