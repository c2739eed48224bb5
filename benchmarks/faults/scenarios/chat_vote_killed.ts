import redis from '@adonisjs/redis/services/main'
import type { FaultScenario } from '../fault_kit.js'
import {
  apiTokenOf,
  endOn,
  launchOn,
  openRuns,
  runStatus,
  TAKEOVER_TARGET_MS,
  waitFor,
} from '../fault_kit.js'
import { tallyDifference } from '../../bench_report.js'

const CHANNELS = 5
const CHATTERS_PER_CHANNEL = 20

/**
 * The instance that launched a chat vote, and reads its results, dies in
 * the middle of it: votes keep arriving (at the survivor, which Twitch's
 * webhooks reach), and the survivor ends the run. Every vote counts once,
 * and the counts in Redis equal the rows in PostgreSQL.
 */
export const scenario: FaultScenario = {
  name: 'instance killed during a chat vote (5 channels)',
  async run(context) {
    const { seedCampaignPoll } = await import('../../bench_poll.js')
    const { CHAT_VOTING_SCOPES } = await import('#services/chat_votes/chat_scopes')
    const { default: PollRun } = await import('#models/poll_run')
    const { default: PollChannel } = await import('#models/poll_channel')
    const tokens = await context.emulator.connectUsers(CHANNELS, 'chat_fault', '')
    const { campaign, gm } = await seedCampaignPoll(tokens, 600, {
      broadcasterType: '',
      scopes: ['channel:manage:polls', 'channel:read:polls', ...CHAT_VOTING_SCOPES],
    })
    const token = await apiTokenOf(gm.id)
    const { dying, survivor } = await context.startInstances()
    try {
      const launch = await launchOn(dying.url, token, campaign.id, {
        title: 'Which door?',
        choices: ['Left', 'Right'],
        duration: 600,
        voting: 'chat',
      })
      if (launch.status !== 201) throw new Error(`launch answered ${launch.status}`)
      const { run_id: runId } = (await launch.json()) as { run_id: number }
      const expected = [0, 0]
      const vote = async (from: number, to: number) => {
        for (const entry of tokens) {
          for (let chatter = from; chatter < to; chatter++) {
            const choice = chatter % 2
            await context.emulator.post(`/chat/${entry.twitchUserId}/messages`, {
              chatterLogin: `voter_${chatter}`,
              text: String(choice + 1),
            })
            expected[choice]++
          }
        }
        await context.emulator.post('/eventsub/idle')
      }

      await vote(0, CHATTERS_PER_CHANNEL / 2)
      await dying.kill()
      const killedAt = Date.now()
      await vote(CHATTERS_PER_CHANNEL / 2, CHATTERS_PER_CHANNEL)
      const end = await endOn(survivor.url, token, runId)
      if (end.status !== 200) throw new Error(`End now answered ${end.status}`)
      await waitFor(
        'the run closed by the survivor',
        async () => (await runStatus(campaign.id)) === 'terminated',
        TAKEOVER_TARGET_MS
      )
      const takeoverMs = Date.now() - killedAt

      const run = await PollRun.findOrFail(runId)
      let lost = tallyDifference(run.totals ?? [], expected).lost
      // Redis and PostgreSQL agree on every chat channel.
      for (const channel of await PollChannel.query().where('poll_run_id', runId)) {
        const counts = await redis.hgetall(`chorus:chat-vote:${runId}:${channel.id}:counts`)
        const inRedis = [1, 2].map((choice) => Number(counts[String(choice)] ?? 0))
        lost += tallyDifference(channel.votes ?? [], inRedis).lost
      }
      return { votesLost: lost, pollsLeftRunning: 0, runsLeftOpen: await openRuns(), takeoverMs }
    } finally {
      await dying.kill()
      await survivor.stop()
    }
  },
}
