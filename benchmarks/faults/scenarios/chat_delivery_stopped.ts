import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchSubscription } from '../../bench_emulator.js'
import { startWebInstance, type WebInstance } from '../../bench_instance.js'
import { tallyDifference } from '../../bench_report.js'
import type { FaultScenario } from '../fault_kit.js'
import { openRuns } from '../fault_kit.js'

const CHANNELS = 4
const VOTES_PER_PHASE = 5
/** Chorus promises to notice a silent loss within this long during a chat vote. */
const NOTICE_WITHIN_MS = 30_000

/** A subscription as the emulator's control route lists it. */
interface ListedSubscription extends BenchSubscription {
  id: string
  condition: Record<string, string>
}

/**
 * Four channels vote in chat (not affiliates) through one web instance.
 * Mid-vote, Twitch gives up on one channel's `channel.chat.message`
 * subscription and the revocation never arrives (the emulator's silent
 * revoke): the votes typed then are never delivered — Twitch's own loss,
 * not counted as lost. Chorus must notice by asking Twitch (within 30 s),
 * show the channel as "chat votes interrupted", subscribe again, and count
 * the votes typed after that. End now closes the run. No instance is
 * killed: what it adds to the report is the time to notice and recover.
 */
export const scenario: FaultScenario = {
  name: 'chat delivery stops mid-vote without a revocation (4 channels)',
  async run({ app, emulator }) {
    const { default: PollChannel } = await import('#models/poll_channel')
    const { default: PollRun } = await import('#models/poll_run')
    const { PollEndService } = await import('#services/polls/poll_end_service')
    const { CHAT_VOTING_SCOPES } = await import('#services/chat_votes/chat_scopes')
    const { CHAT_MESSAGE_TYPE } = await import('#services/chat_votes/chat_subscription_source')
    const { BENCH_CHOICES, seedCampaignPoll, launchBenchPoll } = await import('../../bench_poll.js')

    let instance: WebInstance | null = null
    try {
      const tokens = await emulator.connectUsers(CHANNELS, 'chatfault', '')
      const seeded = await seedCampaignPoll(tokens, 600, {
        broadcasterType: '',
        scopes: ['channel:manage:polls', 'channel:read:polls', ...CHAT_VOTING_SCOPES],
      })
      instance = await startWebInstance()
      const isChat = (subscription: BenchSubscription) => subscription.type === CHAT_MESSAGE_TYPE
      await emulator.waitForSubscriptions(CHANNELS, isChat)

      const pollRun = await launchBenchPoll(app, seeded)
      const channels = pollRun.channels.filter(
        (channel) => channel.voting === 'chat' && channel.outcome === 'created'
      )
      if (channels.length !== CHANNELS) {
        throw new Error(`${channels.length}/${CHANNELS} channels vote in chat`)
      }
      await emulator.post('/eventsub/idle')

      const expected = new Map(channels.map((channel) => [channel.id, BENCH_CHOICES.map(() => 0)]))
      let chatter = 0
      /** `count` votes from new chatters in a channel; `delivered`: Twitch sends them. */
      const vote = async (channelIndex: number, count: number, delivered: boolean) => {
        const channel = channels[channelIndex]
        for (let index = 0; index < count; index++) {
          const choice = (chatter + index) % BENCH_CHOICES.length
          await emulator.post(`/chat/${channel.twitchUserId}/messages`, {
            chatterLogin: `viewer_${chatter++}`,
            text: String(choice + 1),
          })
          if (delivered) expected.get(channel.id)![choice]++
        }
      }
      for (let index = 0; index < CHANNELS; index++) await vote(index, VOTES_PER_PHASE, true)
      await emulator.post('/eventsub/idle')

      // Twitch gives up on the first channel's chat and the revocation is lost.
      const lostChannel = channels[0]
      const subscriptions = await emulator.get<{ data: ListedSubscription[] }>(
        '/eventsub/subscriptions'
      )
      const dead = subscriptions.data.find(
        (subscription) =>
          isChat(subscription) &&
          subscription.status === 'enabled' &&
          subscription.condition.broadcaster_user_id === lostChannel.twitchUserId
      )
      if (!dead) throw new Error('the chat subscription to break was not found')
      const brokenAt = performance.now()
      await emulator.post(`/eventsub/subscriptions/${dead.id}/revoke`, {
        status: 'notification_failures_exceeded',
        notify: false,
      })
      // Typed while Twitch delivers nothing: Twitch's own loss.
      await vote(0, VOTES_PER_PHASE, false)

      // Chorus notices (the run page shows it) and subscribes again.
      let noticedMs = Number.NaN
      let recoveredMs = Number.NaN
      while (performance.now() - brokenAt < NOTICE_WITHIN_MS * 2) {
        const row = await PollChannel.findOrFail(lostChannel.id)
        if (Number.isNaN(noticedMs) && row.chatInterruptedAt)
          noticedMs = performance.now() - brokenAt
        const listed = await emulator.get<{ data: ListedSubscription[] }>('/eventsub/subscriptions')
        const back = listed.data.some(
          (subscription) =>
            isChat(subscription) &&
            subscription.id !== dead.id &&
            subscription.status === 'enabled' &&
            subscription.condition.broadcaster_user_id === lostChannel.twitchUserId
        )
        if (!Number.isNaN(noticedMs) && back && !row.chatInterruptedAt) {
          recoveredMs = performance.now() - brokenAt
          break
        }
        await sleep(100)
      }

      // Votes after the recovery, on every channel.
      for (let index = 0; index < CHANNELS; index++) await vote(index, VOTES_PER_PHASE, true)
      await emulator.post('/eventsub/idle')

      const ender = await app.container.make(PollEndService)
      const live = await PollRun.findOrFail(pollRun.id)
      await ender.endNow(live)
      await emulator.post('/eventsub/idle')

      const stored = await PollChannel.query().where('poll_run_id', pollRun.id)
      let votesLost = 0
      let countedTwice = 0
      for (const channel of stored.filter((row) => expected.has(row.id))) {
        const difference = tallyDifference(channel.votes ?? [], expected.get(channel.id)!)
        votesLost += difference.lost
        countedTwice += difference.countedTwice
      }
      const ended = await PollRun.findOrFail(pollRun.id)
      let pollsLeftRunning = ['launching', 'running', 'ending'].includes(ended.status) ? 1 : 0
      for (const channel of stored.filter((row) => row.twitchPollId)) {
        const poll = await emulator.get<{ data: { status: string } }>(
          `/polls/${channel.twitchPollId}`
        )
        if (poll.data.status === 'ACTIVE') pollsLeftRunning++
      }
      const noticedInTime = noticedMs <= NOTICE_WITHIN_MS && !Number.isNaN(recoveredMs)

      return {
        // A miss of the 30 s promise counts as the votes of the vote it spoilt.
        votesLost: votesLost + countedTwice + (noticedInTime ? 0 : VOTES_PER_PHASE),
        pollsLeftRunning,
        runsLeftOpen: await openRuns(),
        takeoverMs: null,
        figures: [
          [
            'silent loss noticed / recovered',
            `${(noticedMs / 1000).toFixed(1)} s / ${(recoveredMs / 1000).toFixed(1)} s (target notice <= ${NOTICE_WITHIN_MS / 1000} s)`,
          ],
          [
            'chat votes not delivered by Twitch',
            `${VOTES_PER_PHASE} (typed while the subscription was dead; not counted as lost)`,
          ],
          ['votes counted twice', String(countedTwice)],
        ],
      }
    } finally {
      await instance?.stop()
    }
  },
}
