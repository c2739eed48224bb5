import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type PollRun from '#models/poll_run'
import type Streamer from '#models/streamer'
import CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { errorMessage } from '#services/error_message'
import { TwitchHelixClient, type TwitchPoll } from '#services/twitch/twitch_helix_client'
import { TwitchPermanentError } from '#services/twitch/twitch_errors'
import { StreamerTokenRunner } from '#services/tokens/streamer_token_runner'
import { PollSettings } from '#services/polls/poll_settings'
import { PollRunStore } from '#services/polls/poll_run_store'

/** A Twitch poll a launch created, known in the process that created it. */
interface CreatedPoll {
  streamer: Streamer
  poll: TwitchPoll
}

/**
 * Undoes a launch that could not finish, so nothing is left running on
 * Twitch (docs/live-results.md, "When something fails"):
 *
 * - the launching instance itself, when recording the launch failed after
 *   some polls were created: it ends the polls it knows of;
 * - another instance's watcher, when the launching instance died (its lease
 *   lapsed): the created polls were never recorded, so each member's
 *   channel is asked for its open poll with the run's question, created
 *   since the run began, that no live run records — and that poll is ended.
 *
 * Either way the run ends `failed` with the reason `interrupted`.
 */
@inject()
export class LaunchCompensation {
  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private runner: StreamerTokenRunner,
    private helix: TwitchHelixClient,
    private store: PollRunStore
  ) {}

  /** The launching process ends the polls it created, then fails the run. */
  async undo(run: PollRun, created: CreatedPoll[]) {
    await mapWithConcurrency(created, this.settings.launchConcurrency, ({ streamer, poll }) =>
      this.#end(run, streamer, poll.id)
    )
    await this.#fail(run)
  }

  /** A launch whose owner died: its polls are found on Twitch and ended. */
  async recover(run: PollRun) {
    const memberships = await CampaignMembership.query()
      .where('campaign_id', run.campaignId)
      .preload('streamer')
    const streamers: Streamer[] = memberships.flatMap((membership) =>
      membership.streamer ? [membership.streamer] : []
    )
    await mapWithConcurrency(streamers, this.settings.launchConcurrency, async (streamer) => {
      for (const pollId of await this.#openPollsOf(run, streamer)) {
        await this.#end(run, streamer, pollId)
      }
    })
    await this.#fail(run)
  }

  /** The channel's open polls that can only be this run's. */
  async #openPollsOf(run: PollRun, streamer: Streamer): Promise<string[]> {
    let polls: TwitchPoll[]
    try {
      ;({ data: polls } = await this.runner.run(streamer, (accessToken) =>
        this.helix.getPolls(accessToken, streamer.twitchUserId, [])
      ))
    } catch (error) {
      // A channel whose token cannot be used could not have been given a poll either.
      logger.warn(
        { runId: run.id, streamerId: streamer.id, error: errorMessage(error) },
        '[Polls] could not look for the polls of an interrupted launch'
      )
      return []
    }
    const since = run.createdAt.toMillis() - 1_000
    const candidates = polls.filter(
      (poll) =>
        poll.status === 'ACTIVE' && poll.title === run.title && Date.parse(poll.startedAt) >= since
    )
    const recorded = await this.store.recordedPollIds(candidates.map((poll) => poll.id))
    return candidates.filter((poll) => !recorded.has(poll.id)).map((poll) => poll.id)
  }

  async #end(run: PollRun, streamer: Streamer, pollId: string) {
    try {
      await this.runner.run(streamer, (accessToken) =>
        this.helix.endPoll(accessToken, streamer.twitchUserId, pollId, 'TERMINATED')
      )
    } catch (error) {
      // Already over on Twitch: nothing left to end.
      if (error instanceof TwitchPermanentError && error.status === 400) return
      logger.error(
        { runId: run.id, streamerId: streamer.id, pollId, error: errorMessage(error) },
        '[Polls] could not end a poll of an interrupted launch; it ends at its duration'
      )
    }
  }

  async #fail(run: PollRun) {
    const endedAt = this.clock.now()
    if (
      await this.store.transition(run.id, 'launching', 'failed', {
        endReason: 'interrupted',
        endedAt,
      })
    ) {
      run.merge({ status: 'failed', endReason: 'interrupted', endedAt })
      logger.warn({ runId: run.id }, '[Polls] an interrupted launch was undone')
    }
  }
}
