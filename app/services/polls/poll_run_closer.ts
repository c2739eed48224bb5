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

/**
 * What became of a run handed to the closer; null when someone else closed
 * it first (or it is gone).
 */
type CloseOutcome =
  /** Closed by this call: final totals stored, pages told, chat results posted. */
  | { status: 'closed'; run: PollRun; channels: PollChannel[] }
  /**
   * Still `ending`: Twitch could not be told on `pending` channels yet; the
   * closer keeps trying in the background and closes the run once it can.
   */
  | { status: 'ending'; run: PollRun; channels: PollChannel[]; pending: PollChannel[] }

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
  ): Promise<CloseOutcome | null> {
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
  async closeEnding(runId: number, lease: RunLease): Promise<CloseOutcome | null> {
    this.retries.cancel(runId)
    try {
      const outcome = await this.#closeEnding(runId)
      if (outcome?.status === 'ending') this.#scheduleRetry(runId, lease)
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

  /** Takes an `ending` run whose owner is gone and closes it. Null when someone holds it or closed it. */
  async takeOver(runId: number): Promise<CloseOutcome | null> {
    const lease = await this.leases.take(runId)
    if (!lease) return null
    return this.closeEnding(runId, lease)
  }

  async #closeEnding(runId: number): Promise<CloseOutcome | null> {
    const loaded = await this.store.load(runId)
    if (!loaded || loaded.run.status !== 'ending') return null
    const { run, channels } = loaded
    // Votes count until "End now" was pressed, whenever this runs.
    const endedAt = (run.endedAt ?? this.clock.now()).toMillis()
    await this.chatCounts.close(run, channels, endedAt)

    const open = channels.filter((channel) => channel.twitchPollOpen)
    const streamers = await streamersOf(open)
    const toRetry = await mapWithConcurrency(open, this.settings.launchConcurrency, (channel) =>
      this.#terminate(channel, streamers.get(channel.streamerId), run.choices.length)
    )
    const pending = open.filter((_, index) => toRetry[index])
    // Twitch ends a poll at its duration by itself: past it, nothing is left to tell.
    // (A run with a Twitch poll has an end time; without one, nothing is pending.)
    const stillRunningOnTwitch = this.clock.now() < run.endsAt!
    if (pending.length > 0 && stillRunningOnTwitch) {
      const saved = await this.store.saveChannels(run.id, channels, ['ending'])
      if (!saved) return null
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
  ): Promise<CloseOutcome | null> {
    const ended = await this.store.finalize(runId, channels, { status, reason }, [from])
    if (!ended) return null
    this.broadcaster.send(ended, channels)
    await this.chatCounts.postResults(ended)
    return { status: 'closed', run: ended, channels }
  }

  #scheduleRetry(runId: number, lease: RunLease) {
    // closeEnding forgets this retry first thing.
    const timer = setTimeout(() => {
      // Stryker disable next-line BlockStatement: only logs (the watcher takes the run over).
      this.closeEnding(runId, lease).catch((error: unknown) => {
        // Stryker disable next-line all: a log line.
        logger.error({ runId, error: errorMessage(error) }, '[Polls] retrying an end failed')
      })
    }, this.settings.endRetryMs)
    // Stryker disable next-line all: lets the process exit while a retry waits (no test observes it).
    timer.unref()
    this.retries.add(runId, { timer, lease })
  }

  /**
   * Ends one channel's Twitch poll and keeps Twitch's final votes; a poll
   * Twitch already ended is read instead. True when Twitch must be told
   * again (it could not be reached: the poll may still run there); false
   * once it is done, or refused for good.
   */
  async #terminate(
    channel: PollChannel,
    streamer: Streamer | undefined,
    choiceCount: number
  ): Promise<boolean> {
    if (!streamer) {
      channel.lastReadError = storedDetail('streamer_left')
      return false
    }
    try {
      const { data } = await this.runner.run(streamer, (accessToken) =>
        this.helix.endPoll(accessToken, channel.twitchUserId, channel.twitchPollId!, 'TERMINATED')
      )
      this.reader.apply(channel, data, choiceCount)
      channel.lastReadError = null
      return false
    } catch (error) {
      if (error instanceof TwitchPermanentError && error.status === 400) {
        // Already over on Twitch (it ended, or the streamer ended it): read its final state.
        const report = await this.reader.read(
          [channel],
          new Map([[streamer.id, streamer]]),
          choiceCount
        )
        return report.failed.length > 0
      }
      channel.lastReadError = readErrorMessage(error)
      // Stryker disable all: a log line (the reason is kept on the channel, which tests read).
      logger.warn(
        { runId: channel.pollRunId, channelId: channel.id, error: errorMessage(error) },
        '[Polls] could not end a channel poll on Twitch'
      )
      // Stryker restore all
      // Twitch's refusal (a 429 is transient, never permanent) or a streamer
      // who must sign in again: telling Twitch again would not help.
      const refused =
        error instanceof TwitchPermanentError ||
        (error instanceof StreamerTokenUnavailableError && error.needsReconnect)
      return !refused
    }
  }
}

/** The channels' streamers by id; a channel whose streamer left Chorus (null) finds none. */
async function streamersOf(channels: PollChannel[]) {
  const ids = channels.flatMap((channel) => channel.streamerId ?? [])
  const streamers = await Streamer.query().whereIn('id', ids)
  return new Map<number | null, Streamer>(streamers.map((streamer) => [streamer.id, streamer]))
}
