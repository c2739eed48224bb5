import { inject } from '@adonisjs/core'
import type { I18n } from '@adonisjs/i18n'
import logger from '@adonisjs/core/services/logger'
import type PollRun from '#models/poll_run'
import PollChannel, { isChatChannel, type PollChannelReason } from '#models/poll_channel'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { ChatVoteTally } from '#services/chat_votes/chat_vote_tally'
import { announcementMessages, resultMessages } from '#services/chat_votes/chat_announcement'
import { TwitchChatClient } from '#services/twitch/twitch_chat_client'
import { PollRunStore, type RunWithChannels } from '#services/polls/poll_run_store'
import { errorMessage } from '#services/error_message'
import { audienceLocalesOf } from '#services/i18n/audience_locales'
import { DEFAULT_LOCALE } from '#services/i18n/locales'
import { translator } from '#services/i18n/translator'
import { POLL_LIMITS } from '#validators/poll'
import { NOT_ASKED_IN_TIME } from '#services/chat_votes/not_asked'
import { storedDetail } from '#services/polls/channel_detail'
import { TwitchError, TwitchPermanentError } from '#services/twitch/twitch_errors'

/** Chat posts at once across a run's channels. */
const POST_CONCURRENCY = 8

/**
 * A run's chat votes, from start to end: opening each chat channel's vote
 * and posting the question there, copying the counts from Redis (where the
 * votes are counted while the vote runs) onto the channel rows in
 * PostgreSQL (before each push and at the end), closing the votes, and
 * posting the combined result once. See docs/chat-voting.md.
 */
@inject()
export class RunChatVotes {
  constructor(
    private clock: Clock,
    private tally: ChatVoteTally,
    private chat: TwitchChatClient,
    private store: PollRunStore
  ) {}

  /**
   * Opens the vote on each chat channel until the run's end and posts the
   * question there. A channel whose question could not be posted (Twitch
   * refused or dropped it), or whose chat already runs another vote, does
   * not take part: its viewers were never asked, so its vote is closed and
   * the channel is listed as left out with the reason. One write for all.
   */
  async open(run: PollRun, channels: PollChannel[], secondsLeft = run.durationSeconds) {
    const chat = channels.filter(isChatChannel)
    if (chat.length === 0 || !run.endsAt) return
    const closesAt = run.endsAt.toMillis()
    const question = {
      title: run.title,
      choices: run.choices,
      durationSeconds: secondsLeft,
    }
    const messagesIn = await messagesByAudience(chat, (i18n) =>
      announcementMessages(i18n, question)
    )
    await mapWithConcurrency(chat, POST_CONCURRENCY, async (channel) => {
      const messages = messagesIn(channel.twitchUserId)
      const ref = { runId: run.id, channelId: channel.id }
      if (!(await this.tally.open(ref, channel.twitchUserId, run.choices.length, closesAt))) {
        leaveOut(channel, 'chat_busy', storedDetail('chat_vote_open'))
        return
      }
      try {
        for (const message of messages) {
          const sent = await this.chat.send(channel.twitchUserId, message)
          if (!sent.isSent) {
            throw new TwitchPermanentError('Twitch dropped the message', null, sent.dropReason)
          }
        }
        channel.chatAnnouncedAt = this.clock.now()
      } catch (error) {
        await this.tally.close(ref, channel.twitchUserId, this.clock.now().toMillis())
        logger.warn(
          { runId: run.id, channelId: channel.id, error: errorMessage(error) },
          '[ChatVotes] the question could not be posted'
        )
        // Twitch's own words when it gave some, else Chorus's sentence (app/services/polls/channel_detail.ts).
        const twitchSaid = error instanceof TwitchError ? error.twitchMessage : null
        leaveOut(channel, 'twitch_refused', twitchSaid ?? storedDetail('not_posted'))
      }
    })
    await this.store.saveChatOpenings(run.id, chat)
  }

  /**
   * The questions the launching instance did not get to post (it died after
   * recording the launch): called by the instance that took the run over,
   * holding the run's lease. Posted now, saying the time that is left; when
   * less than a poll's shortest duration is left, the channels are left out
   * instead (`not_asked`): their viewers would have no time to answer.
   */
  async openLate(run: PollRun, channels: PollChannel[]) {
    const unasked = channels.filter(
      (channel) => isChatChannel(channel) && channel.chatAnnouncedAt === null
    )
    if (unasked.length === 0 || !run.endsAt) return
    const secondsLeft = Math.floor((run.endsAt.toMillis() - this.clock.now().toMillis()) / 1000)
    if (secondsLeft >= POLL_LIMITS.durationMin) return this.open(run, unasked, secondsLeft)
    const at = this.clock.now().toMillis()
    for (const channel of unasked) {
      await this.tally.close({ runId: run.id, channelId: channel.id }, channel.twitchUserId, at)
      leaveOut(channel, 'not_asked', NOT_ASKED_IN_TIME)
    }
    await this.store.saveChatOpenings(run.id, unasked)
  }

  /**
   * Copies the Redis counts onto the chat channels' models; returns those
   * whose counts changed (dirty, for the caller's save).
   */
  async read(run: PollRun, channels: PollChannel[]): Promise<PollChannel[]> {
    const chat = channels.filter(isChatChannel)
    const counts = await this.tally.countsOf(
      chat.map((channel) => ({ runId: run.id, channelId: channel.id })),
      run.choices.length
    )
    const changed: PollChannel[] = []
    for (const [index, channel] of chat.entries()) {
      const votes = counts[index]
      if (sameVotes(channel.votes, votes)) continue
      channel.merge({
        votes,
        channelPointsVotes: votes.map(() => 0),
        totalVotes: votes.reduce((sum, count) => sum + count, 0),
        lastReadAt: this.clock.now(),
      })
      changed.push(channel)
    }
    return changed
  }

  /**
   * The run's chat counts written into its rows while it runs (before a push
   * of the combined result): one locked write, nothing once the run moved on.
   * Returns the run and its channels as they now stand, for the push (null
   * when the run is gone).
   */
  async syncRun(runId: number): Promise<RunWithChannels | null> {
    const loaded = await this.store.load(runId)
    if (!loaded || loaded.run.status !== 'running') return loaded
    const changed = await this.read(loaded.run, loaded.channels)
    if (changed.length > 0) await this.store.saveChannels(runId, changed)
    return loaded
  }

  /**
   * Ends the chat votes at `at` (later ballots are refused) and copies the
   * final counts onto the models: call before the run's totals are computed.
   */
  async close(run: PollRun, channels: PollChannel[], at: number) {
    // Sent side by side: one Redis connection carries them back to back.
    await Promise.all(
      channels
        .filter(isChatChannel)
        .map((channel) =>
          this.tally.close({ runId: run.id, channelId: channel.id }, channel.twitchUserId, at)
        )
    )
    await this.read(run, channels)
  }

  /**
   * Posts the combined result in each chat channel of an ended run, once
   * per channel whatever the number of instances or calls (the post is
   * claimed by a conditional write first).
   */
  async postResults(run: PollRun) {
    const totals = run.totals ?? run.choices.map(() => 0)
    const lines = run.choices.map((title, index) => ({ title, votes: totals[index] ?? 0 }))
    const claimed = await this.store.claimChatResultPosts(run.id)
    const messagesIn = await messagesByAudience(claimed, (i18n) =>
      resultMessages(i18n, run.title, lines)
    )
    await mapWithConcurrency(claimed, POST_CONCURRENCY, async (channel) => {
      try {
        for (const message of messagesIn(channel.twitchUserId)) {
          await this.chat.send(channel.twitchUserId, message)
        }
      } catch (error) {
        logger.warn(
          { runId: run.id, channelId: channel.id, error: errorMessage(error) },
          '[Chat votes] could not post the result'
        )
      }
    })
  }
}

/**
 * The messages each channel gets, in its audience language (docs/languages.md):
 * written once per language, whatever the number of channels.
 */
async function messagesByAudience(
  channels: { twitchUserId: string }[],
  write: (i18n: I18n) => string[]
): Promise<(twitchUserId: string) => string[]> {
  const locales = await audienceLocalesOf(channels.map((channel) => channel.twitchUserId))
  const byLocale = new Map<string, string[]>()
  return (twitchUserId) => {
    const locale = locales.get(twitchUserId) ?? DEFAULT_LOCALE
    let messages = byLocale.get(locale)
    if (!messages) {
      messages = write(translator(locale))
      byLocale.set(locale, messages)
    }
    return messages
  }
}

/** A chat channel that cannot take part: listed with the others left out. */
function leaveOut(channel: PollChannel, reason: PollChannelReason, error: string) {
  channel.merge({ outcome: 'failed', reason, error })
  logger.warn({ channelId: channel.id, reason, error }, '[Chat votes] a channel was left out')
}

function sameVotes(current: number[] | null, next: number[]) {
  return (
    current !== null && current.length === next.length && current.every((v, i) => v === next[i])
  )
}
