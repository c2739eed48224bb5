import type { FaultScenario } from '../fault_kit.js'
import {
  activePolls,
  apiTokenOf,
  callCount,
  launchOn,
  openRuns,
  runStatus,
  setLatency,
  TAKEOVER_TARGET_MS,
  waitFor,
} from '../fault_kit.js'

const CHANNELS = 20

/**
 * The instance launching a poll on 20 channels dies once Twitch created every
 * poll but before half of the answers reached it: the survivor must find
 * those polls on Twitch and end them, and fail the run.
 */
export const scenario: FaultScenario = {
  name: 'instance killed mid-launch (20 channels)',
  async run(context) {
    const { seedCampaignPoll } = await import('../../bench_poll.js')
    const tokens = await context.emulator.connectUsers(CHANNELS, 'launch_fault')
    const { campaign, gm } = await seedCampaignPoll(tokens, 600)
    const token = await apiTokenOf(gm.id)
    const { dying, survivor } = await context.startInstances()
    try {
      const slow = tokens.slice(0, CHANNELS / 2).map((entry) => entry.twitchUserId)
      await setLatency(context.emulator, slow, 60_000)
      void launchOn(dying.url, token, campaign.id, {
        title: 'Cross the rope bridge?',
        choices: ['Yes', 'No'],
        duration: 600,
      }).catch(() => {})
      await waitFor(
        'every poll created',
        async () => (await callCount(context.emulator, 'polls.create')) >= CHANNELS
      )
      await dying.kill()
      const killedAt = Date.now()
      await setLatency(context.emulator, slow, null)
      await waitFor(
        'the launch undone by the survivor',
        async () => (await runStatus(campaign.id)) === 'failed',
        TAKEOVER_TARGET_MS * 2
      )
      return {
        votesLost: 0,
        pollsLeftRunning: await activePolls(context, tokens),
        runsLeftOpen: await openRuns(),
        takeoverMs: Date.now() - killedAt,
      }
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  },
}
