import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import Streamer from '#models/streamer'
import { mapWithConcurrency } from '#services/concurrency'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { TwitchPermanentError } from '#services/twitch/twitch_errors'
import { StreamerTokenRunner } from '#services/tokens/streamer_token_runner'
import { PollSettings } from '#services/polls/poll_settings'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollResultsReader, readErrorMessage } from '#services/polls/poll_results_reader'
import { ChatVoteCounts } from '#services/chat_votes/chat_vote_counts'
import { Clock } from '#services/clock'

export type EndNowResult =
  | { status: 'ended'; run: PollRun; failures: number }
  /** It had already ended (at its duration, or another "End now" won). */
  | { status: 'already_ended'; run: PollRun }
  /** Still launching: nothing to end yet. */
  | { status: 'not_started'; run: PollRun }

/**
 * "End now": the run moves to `ending` (one conditional write, so two
 * clicks or two instances end it once), every live channel's poll is
 * terminated on Twitch in parallel (`PATCH status=TERMINATED`), and the run
 * is closed with the final votes Twitch answered.
 */
@inject()
export class PollEndService {
  constructor(
    private settings: PollSettings,
    private store: PollRunStore,
    private runner: StreamerTokenRunner,
    private helix: TwitchHelixClient,
    private reader: PollResultsReader,
    private broadcaster: PollBroadcaster,
    private poller: PollResultsPoller,
    private chatCounts: ChatVoteCounts,
    private clock: Clock
  ) {}

  async endNow(run: PollRun): Promise<EndNowResult> {
    if (!(await this.store.transition(run.id, 'running', 'ending'))) {
      await run.refresh()
      return run.status === 'launching'
        ? { status: 'not_started', run }
        : { status: 'already_ended', run }
    }
    // This process's poller (if it is the one) stops now; another
    // instance's sees `ending` at its next step and stops. A step in flight
    // cannot write any more (the run is not `running`): no need to wait for it.
    await this.poller.stop(run.id, { wait: false })

    const loaded = await this.store.load(run.id)
    const channels = loaded?.channels ?? []
    // Chat votes close now, before the Twitch polls are told: a vote
    // arriving after this click does not count.
    await this.chatCounts.close(run, channels, this.clock.now().toMillis())
    const live = channels.filter((channel) => channel.isActive)
    const streamerIds = live.map((channel) => channel.streamerId).filter((id) => id !== null)
    const streamers = new Map(
      (streamerIds.length ? await Streamer.query().whereIn('id', streamerIds) : []).map(
        (streamer) => [streamer.id, streamer]
      )
    )

    const results = await mapWithConcurrency(live, this.settings.launchConcurrency, (channel) =>
      this.#terminate(channel, streamers.get(channel.streamerId ?? -1), run.choices.length)
    )
    const ended = await this.store.finalize(
      run.id,
      channels,
      { status: 'terminated', reason: 'ended_early' },
      ['ending']
    )
    if (!ended) {
      await run.refresh()
      return { status: 'already_ended', run }
    }
    this.broadcaster.send(ended, channels)
    await this.chatCounts.postResults(ended)
    return { status: 'ended', run: ended, failures: results.filter((ok) => !ok).length }
  }

  /**
   * Terminates one channel's poll and keeps Twitch's final votes. A poll
   * Twitch already ended is read instead. False when Twitch could not be told.
   */
  async #terminate(channel: PollChannel, streamer: Streamer | undefined, choiceCount: number) {
    if (!streamer) {
      channel.lastReadError = 'the streamer left Chorus'
      return false
    }
    try {
      const { data } = await this.runner.run(streamer, (accessToken) =>
        this.helix.endPoll(accessToken, channel.twitchUserId, channel.twitchPollId!, 'TERMINATED')
      )
      this.reader.apply(channel, data, choiceCount)
      return true
    } catch (error) {
      if (error instanceof TwitchPermanentError && error.status === 400) {
        // Already over on Twitch (it ended, or the streamer ended it): read its final state.
        const report = await this.reader.read(
          [channel],
          new Map([[streamer.id, streamer]]),
          choiceCount
        )
        return report.failed.length === 0
      }
      channel.lastReadError = readErrorMessage(error)
      logger.warn(
        { runId: channel.pollRunId, channelId: channel.id, error: channel.lastReadError },
        '[Polls] could not terminate a channel poll'
      )
      return false
    }
  }
}
