import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import type Streamer from '#models/streamer'
import type PollRun from '#models/poll_run'
import type { VotingMode } from '#models/poll_run'
import type { PollChannelReason } from '#models/poll_channel'
import { Clock } from '#services/clock'
import {
  IdempotencyKeyReusedError,
  PollLaunchInterruptedError,
  PollLaunchRefusedError,
} from '#services/domain_errors'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import {
  TwitchPermanentError,
  TwitchTransientError,
  TwitchUnauthorizedError,
} from '#services/twitch/twitch_errors'
import {
  CheckAndRefreshService,
  type MemberHealth,
} from '#services/tokens/check_and_refresh_service'
import {
  StreamerTokenRunner,
  StreamerTokenUnavailableError,
} from '#services/tokens/streamer_token_runner'
import { PollSettings } from '#services/polls/poll_settings'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollRunStore, type LaunchedChannel } from '#services/polls/poll_run_store'
import { ChannelStateService, leftOutReason } from '#services/campaigns/channel_state'
import { PollNotifier } from '#services/polls/poll_notifier'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { ChatSubscriptionConfirmation } from '#services/chat_votes/chat_subscription_confirmation'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { errorMessage } from '#services/error_message'
import { RunOwnerLeases, type RunLease } from '#services/polls/run_owner_leases'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { LaunchProgress } from '#services/polls/launch_progress'
import { LaunchWork } from '#services/polls/launch_work'
import { traceLaunch } from '#services/polls/launch_trace'
import { LaunchCompensation } from '#services/polls/launch_compensation'
import { storedDetail } from '#services/polls/channel_detail'

/** How long a launch waits for Twitch to verify a new chat subscription. */
const CHAT_SUBSCRIPTION_WAIT_MS = 5000
const CHAT_SUBSCRIPTION_POLL_MS = 50

/**
 * What a launch asks: a prepared poll of the campaign (the pages), or a
 * question sent through the JSON API (`id` null: no prepared poll).
 */
interface PollQuestion {
  id: number | null
  title: string
  choices: string[]
  durationSeconds: number
  channelPointsPerVote: number | null
}

interface LaunchResult {
  run: PollRun
  /** False when the idempotency key found an earlier launch: nothing was done twice. */
  created: boolean
}

/** A launch whose run exists: `finished` settles once every channel is known and recorded. */
interface LaunchStart extends LaunchResult {
  finished: Promise<LaunchResult>
}

const UNIQUE_VIOLATION = '23505'

/**
 * Launches a poll (prepared, or sent through the API) on every ready channel
 * of a campaign:
 *
 * 1. a run row in `launching` — its idempotency key is unique (a double
 *    submit finds it) and a partial unique index allows one live run per
 *    campaign (across every instance);
 * 2. for every member at once (bounded by `launchConcurrency`): the health
 *    check of an authorized one (refreshing its token where due), then the
 *    Helix poll created on its channel if it is a ready affiliate/partner —
 *    a 401 going through the reactive refresh and retried once;
 * 3. one row per member: its Twitch poll, or why it was left out;
 * 4. the run `running` (or `failed` when no channel took it), the results
 *    poller started.
 */
@inject()
export class PollLaunchService {
  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private healthCheck: CheckAndRefreshService,
    private runner: StreamerTokenRunner,
    private helix: TwitchHelixClient,
    private poller: PollResultsPoller,
    private store: PollRunStore,
    private notifier: PollNotifier,
    private eventsub: EventSubSettings,
    private subscriptions: SubscriptionStore,
    private reconciler: SubscriptionReconciler,
    private chatCounts: RunChatVotes,
    private chatSubscription: ChatSubscriptionConfirmation,
    private leases: RunOwnerLeases,
    private compensation: LaunchCompensation,
    private broadcaster: PollBroadcaster,
    private work: LaunchWork,
    private channelStates: ChannelStateService
  ) {}

  /**
   * `votingMode` `chat`: every channel that can votes in chat (the GM keeps
   * channel points out of it); `auto`: Twitch polls where possible, chat
   * elsewhere. `requestHash` (the API's) says what was asked: the same key
   * with another request is refused rather than answered with this launch.
   */
  async launch(
    campaign: Campaign,
    poll: PollQuestion,
    user: User,
    idempotencyKey: string,
    votingMode: VotingMode = 'auto',
    requestHash: string | null = null
  ): Promise<LaunchResult> {
    const start = await this.begin(campaign, poll, user, idempotencyKey, votingMode, requestHash)
    return start.finished
  }

  /**
   * The launch as far as the run's existence: the run claimed (or an
   * earlier launch found by its key) and its lease taken. The rest — Twitch,
   * the record — goes on in `finished`, which settles like `launch` does;
   * the GM's page opens meanwhile and follows it live (docs/live-results.md).
   */
  async begin(
    campaign: Campaign,
    poll: PollQuestion,
    user: User,
    idempotencyKey: string,
    votingMode: VotingMode = 'auto',
    requestHash: string | null = null
  ): Promise<LaunchStart> {
    const claim = await this.#claim(campaign, poll, user, idempotencyKey, votingMode, requestHash)
    if (!claim.created) {
      const replayed = this.#replay(claim.run, requestHash)
      return { ...replayed, finished: Promise.resolve(replayed) }
    }
    const { run } = claim
    traceLaunch(run.id, 'claimed')
    // While this instance works on the launch it holds the run's lease: if
    // it dies, another instance undoes the launch (docs/live-results.md).
    const lease = await this.leases.take(run.id)
    traceLaunch(run.id, 'leased')
    return { run, created: true, finished: this.#finish(campaign, run, lease) }
  }

  async #finish(campaign: Campaign, run: PollRun, lease: RunLease | null): Promise<LaunchResult> {
    const plans: LaunchedChannel[] = []
    const progress = new LaunchProgress(run, plans, this.broadcaster, this.clock)
    try {
      await this.#createPolls(campaign, run, plans, progress)
      await this.#record(run, plans)
      traceLaunch(run.id, 'recorded')
    } catch (error) {
      // Nothing half-launched may block the campaign or keep running on
      // Twitch: the polls created so far are ended, the run is closed.
      logger.error({ runId: run.id, error: errorMessage(error) }, '[Polls] launch interrupted')
      try {
        await this.compensation.undo(
          run,
          plans.flatMap(({ streamer, poll: created }) =>
            created ? [{ streamer, poll: created }] : []
          )
        )
      } catch (undoError) {
        // The database is still failing: the run stays `launching`, and once
        // this lease is released a watcher undoes it from what Twitch lists.
        logger.error(
          { runId: run.id, error: errorMessage(undoError) },
          '[Polls] could not close an interrupted launch; the watcher will'
        )
      }
      progress.stop()
      // The page that opened at once shows how the launch ended.
      await this.#tellPage(run)
      await lease?.release()
      throw new PollLaunchInterruptedError(run, false)
    }
    progress.stop()

    try {
      if (run.status === 'running' && plans.some((plan) => plan.voting === 'chat')) {
        // The question goes to the chat channels once their rows exist: a
        // channel whose question could not be posted is left out before the
        // answer. The lease is kept until then: if this instance dies
        // before, the one that takes the lease posts them.
        const loaded = await this.store.load(run.id)
        if (loaded) await this.chatCounts.open(run, loaded.channels)
        traceLaunch(run.id, 'chat_opened')
        if (loaded && !loaded.channels.some((channel) => channel.outcome === 'created')) {
          await this.#nobodyAsked(run)
        }
      }
    } finally {
      await lease?.release()
    }
    traceLaunch(run.id, 'answered')
    // Not needed for the answer: the first broadcast (by the results
    // poller, as it starts) and the streamers' notifications follow it.
    this.work.track(run.id, 'starting the results of a launch', this.#afterAnswer(run))
    return { run, created: true }
  }

  async #afterAnswer(run: PollRun) {
    if (run.status !== 'running') {
      await this.#tellPage(run)
      return
    }
    await this.poller.start(run.id)
    traceLaunch(run.id, 'poller_started')
    await this.notifier.started(run)
    traceLaunch(run.id, 'notified')
  }

  /** The run as stored, to the GM's page (a launch that ended without running). */
  async #tellPage(run: PollRun) {
    const loaded = await this.store.load(run.id)
    if (loaded) this.broadcaster.send(loaded.run, loaded.channels)
  }

  /**
   * Every channel was a chat vote whose question could not be posted: no
   * audience was asked, so the run did not launch after all.
   */
  async #nobodyAsked(run: PollRun) {
    const endedAt = this.clock.now()
    if (
      await this.store.transition(run.id, 'running', 'failed', { endReason: 'no_channel', endedAt })
    ) {
      run.merge({ status: 'failed', endReason: 'no_channel', endedAt })
    }
  }

  /** The answer to a repeated launch: the earlier one, unless it asked something else or failed. */
  #replay(run: PollRun, requestHash: string | null): LaunchResult {
    if (run.requestHash !== null && run.requestHash !== requestHash) {
      throw new IdempotencyKeyReusedError(run)
    }
    if (run.status === 'failed' && run.endReason === 'interrupted') {
      throw new PollLaunchInterruptedError(run, true)
    }
    return { run, created: false }
  }

  /**
   * Inserts the run; the database decides, across instances: a used key
   * finds the earlier launch, a live run refuses this one.
   */
  async #claim(
    campaign: Campaign,
    poll: PollQuestion,
    user: User,
    idempotencyKey: string,
    votingMode: VotingMode,
    requestHash: string | null
  ): Promise<LaunchResult> {
    try {
      const run = await this.store.create({
        campaignId: campaign.id,
        pollId: poll.id,
        launchedById: user.id,
        idempotencyKey,
        status: 'launching',
        title: poll.title,
        choices: poll.choices,
        durationSeconds: poll.durationSeconds,
        channelPointsPerVote: poll.channelPointsPerVote,
        votingMode,
        requestHash,
      })
      return { run, created: true }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      const earlier = await this.store.findByKey(campaign.id, idempotencyKey)
      if (earlier) return { run: earlier, created: false }
      const live = await this.store.liveRun(campaign.id)
      if (live) throw PollLaunchRefusedError.alreadyRunning(live)
      throw PollLaunchRefusedError.keyUsedElsewhere()
    }
  }

  /**
   * The health check of every member at once (bounded), and each ready
   * affiliate/partner channel's poll created as soon as its own check is
   * done: the launch takes one health check plus one create, not the
   * slowest check followed by the slowest create.
   */
  async #createPolls(
    campaign: Campaign,
    run: PollRun,
    plans: LaunchedChannel[],
    progress: LaunchProgress
  ) {
    await this.healthCheck.checkCampaign(campaign.id, {
      concurrency: this.settings.launchConcurrency,
      onMembers: (streamers) => {
        traceLaunch(run.id, 'members_loaded')
        progress.members(streamers)
      },
      onChecked: async (health) => {
        const plan = await this.#planChannel(health, run)
        if (plan.poll && !run.startedAt) {
          // The first Twitch poll is running: the run's time counts from it.
          const now = this.clock.now()
          run.merge({ startedAt: now, endsAt: now.plus({ seconds: run.durationSeconds }) })
        }
        plans.push(plan)
        traceLaunch(run.id, 'channel', health.streamer.twitchLogin)
        progress.changed()
      },
    })
  }

  async #planChannel(health: MemberHealth, run: PollRun): Promise<LaunchedChannel> {
    const { streamer } = health
    // The channel's state says who is left out and why, as readiness says it
    // (docs/architecture.md, "A channel's state"); the health check only
    // adds whether the token could be renewed.
    const state = this.channelStates.of(streamer, health.membership, run.votingMode)
    const leftOut = leftOutReason(state)
    if (leftOut) return skipped(streamer, leftOut)
    if (health.status === 'needs_reconnect') {
      return health.retryable
        ? skipped(streamer, 'twitch_unreachable', storedDetail('token_unreachable'))
        : skipped(streamer, 'needs_reconnect', storedDetail('renewal_refused'))
    }
    if (state.voting.method === 'chat') return this.#planChat(streamer)

    try {
      const { data } = await this.runner.run(streamer, (accessToken) =>
        this.helix.createPoll(accessToken, {
          broadcasterId: streamer.twitchUserId,
          title: run.title,
          choices: run.choices,
          durationSeconds: run.durationSeconds,
          channelPointsPerVote: run.channelPointsPerVote,
        })
      )
      return {
        streamer,
        outcome: 'created',
        reason: null,
        error: null,
        poll: data,
        voting: 'twitch',
      }
    } catch (error) {
      const failure = launchFailure(error)
      if (failure.unexpected) {
        logger.error(
          { runId: run.id, streamerId: streamer.id, error: errorMessage(error) },
          '[Polls] unexpected error while creating a poll'
        )
      } else if (error instanceof TwitchTransientError) {
        logger.warn(
          { runId: run.id, streamerId: streamer.id, error: errorMessage(error) },
          '[Polls] Twitch did not answer a poll creation'
        )
      }
      return {
        streamer,
        outcome: 'failed',
        reason: failure.reason,
        error: failure.error,
        poll: null,
      }
    }
  }

  /**
   * A chat channel takes part once its `channel.chat.message` subscription
   * is enabled: a new one is enabled only after Twitch's challenge is
   * answered, and votes sent before that would be lost. A missing one is
   * created now and waited for, briefly (docs/chat-voting.md).
   */
  async #planChat(streamer: Streamer): Promise<LaunchedChannel> {
    const id = streamer.twitchUserId
    if (!(await this.chatSubscription.isEnabled(id))) {
      await this.reconciler.reconcileStreamer(id)
      const deadline = this.clock.now().toMillis() + CHAT_SUBSCRIPTION_WAIT_MS
      while (!(await this.chatSubscription.isEnabled(id))) {
        if (this.clock.now().toMillis() >= deadline) {
          return {
            streamer,
            outcome: 'failed',
            reason: 'twitch_unreachable',
            error: storedDetail('chat_not_confirmed'),
            poll: null,
          }
        }
        await this.clock.sleep(CHAT_SUBSCRIPTION_POLL_MS)
      }
    }
    return { streamer, outcome: 'created', reason: null, error: null, poll: null, voting: 'chat' }
  }

  /**
   * The run's new status and its channel rows, written together by the store.
   */
  async #record(run: PollRun, plans: LaunchedChannel[]) {
    const now = this.clock.now()
    // Channels whose poll events are on: the page says so from the start.
    const byEvents = this.eventsub.enabled
      ? await this.subscriptions.liveByEvents(
          plans.filter((plan) => plan.poll).map((plan) => plan.streamer.twitchUserId)
        )
      : new Set<string>()
    if (plans.some((plan) => plan.outcome === 'created')) {
      const startedAt = run.startedAt ?? now
      run.merge({
        status: 'running',
        startedAt,
        endsAt: startedAt.plus({ seconds: run.durationSeconds }),
      })
    } else {
      run.merge({
        status: 'failed',
        startedAt: null,
        endsAt: null,
        endReason: 'no_channel',
        endedAt: now,
        totals: run.choices.map(() => 0),
        totalVotes: 0,
      })
    }
    await this.store.recordLaunch(run, plans, byEvents)
  }
}

function skipped(
  streamer: Streamer,
  reason: PollChannelReason,
  error: string | null = null
): LaunchedChannel {
  return { streamer, outcome: 'skipped', reason, error, poll: null }
}

/**
 * Why a create failed: the reason, then what Twitch said, or Chorus's own
 * sentence stored as its key (app/services/polls/channel_detail.ts).
 */
function launchFailure(error: unknown): {
  reason: PollChannelReason
  error: string
  unexpected?: boolean
} {
  if (error instanceof StreamerTokenUnavailableError) {
    return error.needsReconnect
      ? { reason: 'needs_reconnect', error: storedDetail('token_not_renewed') }
      : { reason: 'twitch_unreachable', error: storedDetail('token_unreachable') }
  }
  if (error instanceof TwitchUnauthorizedError) {
    return { reason: 'needs_reconnect', error: storedDetail('token_refused_renewed') }
  }
  if (error instanceof TwitchPermanentError) {
    return { reason: 'twitch_refused', error: error.twitchMessage ?? error.message }
  }
  if (error instanceof TwitchTransientError) {
    return {
      reason: 'twitch_unreachable',
      error: storedDetail(error.status === 429 ? 'rate_limited' : 'no_answer'),
    }
  }
  return { reason: 'twitch_unreachable', error: storedDetail('unexpected'), unexpected: true }
}

function isUniqueViolation(error: unknown) {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: string }).code === UNIQUE_VIOLATION
  )
}
