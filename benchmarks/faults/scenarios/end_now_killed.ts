import type { FaultScenario } from '../fault_kit.js'
import {
  activePolls,
  apiTokenOf,
  callCount,
  endOn,
  launchOn,
  openRuns,
  runStatus,
  setLatency,
  TAKEOVER_TARGET_MS,
  waitFor,
} from '../fault_kit.js'
import { tallyDifference } from '../../bench_report.js'

const CHANNELS = 10
const VOTES_PER_CHANNEL = 5

/**
 * The instance running "End now" dies once Twitch ended every poll but
 * before its answers arrived: the survivor closes the run with every vote.
 */
export const scenario: FaultScenario = {
  name: 'instance killed mid-"End now" (10 channels)',
  async run(context) {
    const { seedCampaignPoll } = await import('../../bench_poll.js')
    const { default: PollRun } = await import('#models/poll_run')
    const { default: PollChannel } = await import('#models/poll_channel')
    const tokens = await context.emulator.connectUsers(CHANNELS, 'end_fault')
    const { campaign, gm } = await seedCampaignPoll(tokens, 600)
    const token = await apiTokenOf(gm.id)
    const { dying, survivor } = await context.startInstances()
    try {
      const launch = await launchOn(dying.url, token, campaign.id, {
        title: 'Wake the dragon?',
        choices: ['Yes', 'No'],
        duration: 600,
      })
      if (launch.status !== 201) throw new Error(`launch answered ${launch.status}`)
      const { run_id: runId } = (await launch.json()) as { run_id: number }
      const channels = await PollChannel.query().where('poll_run_id', runId)
      const expected = [0, 0]
      for (const [index, channel] of channels.entries()) {
        const choiceIndex = index % 2
        await context.emulator.post(`/polls/${channel.twitchPollId}/votes`, {
          choiceIndex,
          count: VOTES_PER_CHANNEL,
        })
        expected[choiceIndex] += VOTES_PER_CHANNEL
      }

      const users = tokens.map((entry) => entry.twitchUserId)
      await setLatency(context.emulator, users, 60_000)
      const before = await callCount(context.emulator, 'polls.update')
      void endOn(dying.url, token, runId).catch(() => {})
      await waitFor(
        'every poll ended on Twitch',
        async () => (await callCount(context.emulator, 'polls.update')) >= before + CHANNELS
      )
      await dying.kill()
      const killedAt = Date.now()
      await setLatency(context.emulator, users, null)
      await waitFor(
        'the run closed by the survivor',
        async () => (await runStatus(campaign.id)) === 'terminated',
        TAKEOVER_TARGET_MS * 2
      )
      const takeoverMs = Date.now() - killedAt
      const run = await PollRun.findOrFail(runId)
      return {
        votesLost: tallyDifference(run.totals ?? [], expected).lost,
        pollsLeftRunning: await activePolls(context, tokens),
        runsLeftOpen: await openRuns(),
        takeoverMs,
      }
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  },
}
