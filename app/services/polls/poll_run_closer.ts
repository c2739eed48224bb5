import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type PollRun from '#models/poll_run'
import type { PollRunEndReason } from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { errorMessage } from '#services/error_message'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { TwitchPermanentError } from '#services/twitch/twitch_errors'
import {
  StreamerTokenRunner,
  StreamerTokenUnavailableError,
} from '#services/tokens/streamer_token_runner'
import { PollSettings } from '#services/polls/poll_settings'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { PollResultsReader, readErrorMessage } from '#services/polls/poll_results_reader'
import { storedDetail } from '#services/polls/channel_detail'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { RunOwnerLeases, type RunLease } from '#services/polls/run_owner_leases'
import { EndRetries } from '#services/polls/end_retries'

/** What became of a run handed to the closer. */
type CloseOutcome =
  /** Closed by this call: final totals stored, pages told, chat results posted. */
  | { status: 'closed'; run: PollRun; channels: PollChannel[] }
  /**
   * Still `ending`: Twitch could not be told on `pending` channels yet; the
   * closer keeps trying in the background and closes the run once it can.
   */
  | { status: 'ending'; run: PollRun; channels: PollChannel[]; pending: PollChannel[] }
  /** Someone else closed it first (or it is gone). */
  | { status: 'moved_on' }

/** How one channel's Twitch poll took being ended. */
type Termination = 'ended' | 'retry' | 'gave_up'

/**
 * The one way a run ends (docs/live-results.md, "Ending"), whoever ends it:
 * the results poller when the time is up or Twitch ended every poll, "End
 * now" (`PollEndService`), and the watcher for a run whose owner died while
 * ending it. Closing always:
 *
 * 1. closes the chat votes at the end time and copies their counts from
 *    Redis onto the channel rows;
 * 2. ends the Twitch polls still open (End now) — a channel Twitch cannot
 *    be told about keeps the run `ending`, said per channel, and is retried
 *    in the background until Twitch confirms (its votes meanwhile count);
 * 3. stores the final totals (`PollRunStore.finalize`, one conditional
 *    write: whichever instance gets there first, the run ends once), tells
 *    the pages and overlays, and posts the result in the chat channels once.
 *
 * Runs are taken from `ending` only by the holder of the run's lease
 * (`RunOwnerLeases`), so two instances never end the same run side by side.
 */
@inject()
export class PollRunCloser {
  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private store: PollRunStore,
    private runner: StreamerTokenRunner,
    private helix: TwitchHelixClient,
    private reader: PollResultsReader,
    private broadcaster: PollBroadcaster,
    private chatCounts: RunChatVotes,
    private leases: RunOwnerLeases,
    private retries: EndRetries
  ) {}

  /**
   * A running run whose time is up (or whose Twitch polls all ended): closed
   * as `completed`, its chat votes at `closeChatAt` (epoch ms).
   */
  async closeRunning(
    run: PollRun,
    channels: PollChannel[],
    reason: Extract<PollRunEndReason, 'duration' | 'ended_on_twitch'>,
    closeChatAt: number
  ): Promise<CloseOutcome> {
    await this.chatCounts.close(run, channels, closeChatAt)
    return this.#finalize(run.id, channels, 'completed', reason, 'running')
  }

  /**
   * Closes the run's chat votes at `at` (epoch ms) ahead of the rest: "End
   * now" does it before the run moves to `ending`, so no vote sent after the
   * click counts even if the instance dies before closing the run.
   */
  async closeChatVotes(run: PollRun, channels: PollChannel[], at: number) {
    await this.chatCounts.close(run, channels, at)
  }

  /**
   * A run in `ending` (End now, or found there after its owner died), with
   * its lease held by the caller: the lease is kept while the end is retried
   * and released once the run is closed (or this attempt failed: the watcher
   * tries again).
   */
  async closeEnding(runId: number, lease: RunLease): Promise<CloseOutcome> {
    this.retries.cancel(runId)
    try {
      const outcome = await this.#closeEnding(runId)
      if (outcome.status === 'ending') this.#scheduleRetry(runId, lease)
      else await lease.release()
      return outcome
    } catch (error) {
      await lease.release()
      throw error
    }
  }

  /** Is this process retrying the run's end? */
  isRetrying(runId: number) {
    return this.retries.has(runId)
  }

  /** Stops retrying here and gives the leases back: another instance carries on. */
  async stop() {
    await this.retries.stopAll()
  }

  /** Takes an `ending` run whose owner is gone and closes it. Null when someone holds it. */
  async takeOver(runId: number): Promise<CloseOutcome | null> {
    const lease = await this.leases.take(runId)
    if (!lease) return null
    return this.closeEnding(runId, lease)
  }

  async #closeEnding(runId: number): Promise<CloseOutcome> {
    const loaded = await this.store.load(runId)
    if (!loaded || loaded.run.status !== 'ending') return { status: 'moved_on' }
    const { run, channels } = loaded
    // Votes count until "End now" was pressed, whenever this runs.
    const endedAt = (run.endedAt ?? this.clock.now()).toMillis()
    await this.chatCounts.close(run, channels, endedAt)

    const open = channels.filter((channel) => channel.twitchPollOpen)
    const streamers = await streamersOf(open)
    const results = await mapWithConcurrency(open, this.settings.launchConcurrency, (channel) =>
      this.#terminate(channel, streamers.get(channel.streamerId ?? -1), run.choices.length)
    )
    const pending = open.filter((_, index) => results[index] === 'retry')
    // Twitch ends a poll at its duration by itself: past it, nothing is left to tell.
    const stillRunningOnTwitch = run.endsAt !== null && this.clock.now() < run.endsAt
    if (pending.length > 0 && stillRunningOnTwitch) {
      const saved = await this.store.saveChannels(run.id, channels, ['ending'])
      if (!saved) return { status: 'moved_on' }
      this.broadcaster.send(saved, channels)
      return { status: 'ending', run: saved, channels, pending }
    }
    return this.#finalize(run.id, channels, 'terminated', 'ended_early', 'ending')
  }

  async #finalize(
    runId: number,
    channels: PollChannel[],
    status: 'completed' | 'terminated',
    reason: PollRunEndReason,
    from: 'running' | 'ending'
  ): Promise<CloseOutcome> {
    const ended = await this.store.finalize(runId, channels, { status, reason }, [from])
    if (!ended) return { status: 'moved_on' }
    this.broadcaster.send(ended, channels)
    await this.chatCounts.postResults(ended)
    return { status: 'closed', run: ended, channels }
  }

  #scheduleRetry(runId: number, lease: RunLease) {
    const timer = setTimeout(() => {
      this.retries.cancel(runId)
      this.closeEnding(runId, lease).catch((error: unknown) => {
        logger.error({ runId, error: errorMessage(error) }, '[Polls] retrying an end failed')
      })
    }, this.settings.endRetryMs)
    timer.unref()
    this.retries.add(runId, { timer, lease })
  }

  /**
   * Ends one channel's Twitch poll and keeps Twitch's final votes; a poll
   * Twitch already ended is read instead. `retry` when Twitch could not be
   * reached (the poll may still run there), `gave_up` when it refused for good.
   */
  async #terminate(
    channel: PollChannel,
    streamer: Streamer | undefined,
    choiceCount: number
  ): Promise<Termination> {
    if (!streamer) {
      channel.lastReadError = storedDetail('streamer_left')
      return 'gave_up'
    }
    try {
      const { data } = await this.runner.run(streamer, (accessToken) =>
        this.helix.endPoll(accessToken, channel.twitchUserId, channel.twitchPollId!, 'TERMINATED')
      )
      this.reader.apply(channel, data, choiceCount)
      channel.lastReadError = null
      return 'ended'
    } catch (error) {
      if (error instanceof TwitchPermanentError && error.status === 400) {
        // Already over on Twitch (it ended, or the streamer ended it): read its final state.
        const report = await this.reader.read(
          [channel],
          new Map([[streamer.id, streamer]]),
          choiceCount
        )
        return report.failed.length === 0 ? 'ended' : 'retry'
      }
      channel.lastReadError = readErrorMessage(error)
      logger.warn(
        { runId: channel.pollRunId, channelId: channel.id, error: errorMessage(error) },
        '[Polls] could not end a channel poll on Twitch'
      )
      const refused =
        (error instanceof TwitchPermanentError && error.status !== 429) ||
        (error instanceof StreamerTokenUnavailableError && error.needsReconnect)
      return refused ? 'gave_up' : 'retry'
    }
  }
}

async function streamersOf(channels: PollChannel[]) {
  const ids = channels.map((channel) => channel.streamerId).filter((id) => id !== null)
  const streamers = ids.length ? await Streamer.query().whereIn('id', ids) : []
  return new Map(streamers.map((streamer) => [streamer.id, streamer]))
}
