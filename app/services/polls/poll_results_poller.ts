import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import Streamer from '#models/streamer'
import type PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import { isChatChannel } from '#models/poll_channel'
import { Clock } from '#services/clock'
import { PollSettings } from '#services/polls/poll_settings'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollResultsReader } from '#services/polls/poll_results_reader'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { BackgroundFailures } from '#services/availability/background_failure'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { PollerLoops, type PollerLoop } from '#services/polls/poller_loops'
import { RunChatVotes } from '#services/chat_votes/run_chat_votes'
import { ReadPace } from '#services/polls/read_pace'
import { PollRunCloser } from '#services/polls/poll_run_closer'
import { errorMessage } from '#services/error_message'
import { traceLaunch } from '#services/polls/launch_trace'

interface PollTickResult {
  /** Helix requests this tick sent. */
  requests: number
  /** The run ended during this tick (or had already moved on). */
  finished: boolean
  run: PollRun | null
}

/**
 * Reads a running poll's results from Twitch until it ends — one poller per
 * run across every instance and process: whoever holds the run's lock
 * (`@adonisjs/lock` on Redis, key `polls:run:<id>:poller`) polls, the others
 * do nothing. The holder extends the lock before each read; if it dies, the
 * lock expires and another instance takes over (the watcher, or the live page).
 *
 * The rate is bounded per run (ReadPace: `readsPerSecond` Helix calls at
 * most, a channel every `minReadIntervalMs` at best, less often while its
 * votes do not move), never while a channel's Helix bucket is nearly empty;
 * at the poll's duration one last read of every channel, then the run is
 * closed with its final totals. The pace runs on the wall clock, like the
 * Helix buckets it protects; the poll's end and the silences of channels
 * live by event run on the app's Clock.
 *
 * With Twitch events on, a channel whose poll progress and end
 * subscriptions are enabled is "live by event": its counts are written by
 * the webhook, and it is read from Helix only at the end (to reconcile) or
 * after a long silence (docs/eventsub.md). The channels are re-read from
 * PostgreSQL at every step, since events change them meanwhile.
 */
@inject()
export class PollResultsPoller {
  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private store: PollRunStore,
    private reader: PollResultsReader,
    private broadcaster: PollBroadcaster,
    private eventsub: EventSubSettings,
    private subscriptions: SubscriptionStore,
    private loops: PollerLoops,
    private chatCounts: RunChatVotes,
    private closer: PollRunCloser,
    private failures: BackgroundFailures
  ) {}

  static lockKey(runId: number) {
    return `polls:run:${runId}:poller`
  }

  /** Is this process polling the run? */
  isPolling(runId: number) {
    return this.loops.has(runId)
  }

  /**
   * Stops this process's loop for the run (its lock is released once the
   * step in flight, if any, is over: that step writes nothing to a run that
   * is no longer running). `wait: false` does not wait for it.
   */
  async stop(runId: number, options: { wait?: boolean } = {}) {
    await this.loops.stop(runId, options)
  }

  /** Stops every loop of this process: shutdown, and between tests. */
  async stopAll() {
    await this.loops.stopAll()
  }

  /**
   * Starts polling the run here unless this process or another one already
   * does. True when this process polls it now.
   */
  async start(runId: number): Promise<boolean> {
    if (this.loops.has(runId)) return true
    const runLock = lock.createLock(PollResultsPoller.lockKey(runId), this.settings.pollerLockTtlMs)
    if (!(await runLock.acquireImmediately())) return false
    if (this.loops.has(runId)) {
      await runLock.release()
      return true
    }

    const stop = new AbortController()
    const loop: PollerLoop = {
      runId,
      stop,
      done: this.#loop(runId, runLock, stop.signal)
        .catch((error: unknown) => {
          logger.error({ runId, error: errorMessage(error) }, '[Polls] results poller crashed')
        })
        .finally(async () => {
          this.loops.remove(runId)
          await runLock.release().catch(() => {})
        }),
    }
    this.loops.add(loop)
    return true
  }

  /**
   * One read of every channel still live (ignoring the pace; a channel live
   * by event only when it is silent or the time is up), saved and
   * broadcast; closes the run (through `PollRunCloser`) when its time is up. The loop's step, also
   * usable on its own.
   */
  async tick(runId: number): Promise<PollTickResult> {
    const loaded = await this.store.load(runId)
    if (!loaded || loaded.run.status !== 'running') {
      return { requests: 0, finished: true, run: loaded?.run ?? null }
    }
    const streamers = await this.#streamers(loaded.channels)
    return this.#step(loaded.run, loaded.channels, streamers, null)
  }

  async #loop(runId: number, runLock: ReturnType<typeof lock.createLock>, signal: AbortSignal) {
    const first = await this.store.load(runId)
    if (!first || first.run.status !== 'running') return
    // Overlays learn that the poll is live before its first vote.
    this.broadcaster.send(first.run, first.channels)
    traceLaunch(runId, 'first_broadcast')
    const streamers = await this.#streamers(first.channels)
    const pace = new ReadPace(
      this.settings,
      {
        channelIds: first.channels.map((channel) => channel.id),
        pollCount: first.channels.filter((channel) => channel.outcome === 'created').length,
      },
      Date.now()
    )

    while (!signal.aborted) {
      try {
        await runLock.extend()
      } catch {
        logger.warn({ runId }, '[Polls] lost the poller lock; another instance polls this run')
        return
      }
      let channels = first.channels
      try {
        const loaded = await this.store.load(runId)
        if (!loaded || loaded.run.status !== 'running') return
        channels = loaded.channels
        const result = await this.#step(loaded.run, channels, streamers, pace)
        if (result.finished) return
      } catch (error) {
        this.failures.report(error, () =>
          logger.error({ runId, error: errorMessage(error) }, '[Polls] reading results failed')
        )
      }

      await sleep(this.#sleepMs(first.run, channels, pace), undefined, { signal }).catch(() => {})
    }
  }

  /**
   * Reads the channels that are due (all live ones when `pace` is null or
   * the poll's time is up), saves, broadcasts, and closes the run when done.
   */
  async #step(
    run: PollRun,
    channels: PollChannel[],
    streamers: Map<number, Streamer>,
    pace: ReadPace | null
  ): Promise<PollTickResult> {
    const now = this.clock.now()
    const timeUp = run.endsAt !== null && now >= run.endsAt
    await this.#noteResultsVia(channels)
    const live = channels.filter((channel) => channel.twitchPollOpen)
    const due = timeUp ? live : live.filter((channel) => this.#msUntilDue(channel, run, pace) <= 0)

    const report = due.length
      ? await this.reader.read(due, streamers, run.choices.length)
      : { requests: 0, changed: [], held: [], failed: [] }
    if (pace) {
      pace.afterRead(
        due.map((channel) => channel.id),
        new Set(report.changed.map((channel) => channel.id)),
        Date.now()
      )
    }

    const stillLive = channels.filter((channel) => channel.twitchPollOpen)
    const graceOver =
      run.endsAt !== null && now.toMillis() >= run.endsAt.toMillis() + this.settings.endGraceMs
    // Chat votes run until the end time, whatever the Twitch polls do.
    const chatOpen = !timeUp && channels.some(isChatChannel)
    if ((stillLive.length === 0 && !chatOpen) || graceOver) {
      // The chat votes close at the end time (or now, if earlier).
      const closeAt = Math.min(now.toMillis(), run.endsAt?.toMillis() ?? now.toMillis())
      const outcome = await this.closer.closeRunning(
        run,
        channels,
        timeUp ? 'duration' : 'ended_on_twitch',
        closeAt
      )
      const ended = outcome?.status === 'closed' ? outcome.run : null
      return { requests: report.requests, finished: true, run: ended }
    }

    // A channel live by event read after a silence keeps its read time even
    // if nothing changed, so it is not read again before the next silence.
    const heardOf = due.filter(
      (channel) =>
        channel.resultsVia === 'events' && channel.$isDirty && !report.changed.includes(channel)
    )
    const chatChanged = await this.chatCounts.read(run, channels)
    if (report.changed.length > 0 || heardOf.length > 0 || chatChanged.length > 0) {
      const saved = await this.store.saveChannels(run.id, [
        ...report.changed,
        ...heardOf,
        ...chatChanged,
      ])
      if (!saved) return { requests: report.requests, finished: true, run: null }
      this.broadcaster.send(saved, channels)
      return { requests: report.requests, finished: false, run: saved }
    }
    return { requests: report.requests, finished: false, run }
  }

  /**
   * Which channels are live by event now (their poll subscriptions are
   * enabled), stored on the rows when it changed: the GM's page shows it.
   */
  async #noteResultsVia(channels: PollChannel[]) {
    const withPoll = channels.filter(
      (channel) => channel.outcome === 'created' && channel.voting !== 'chat'
    )
    const byEvents = this.eventsub.enabled
      ? await this.subscriptions.liveByEvents(withPoll.map((channel) => channel.twitchUserId))
      : new Set<string>()
    const changed = withPoll.filter((channel) => {
      const via = byEvents.has(channel.twitchUserId) ? 'events' : 'polling'
      if (channel.resultsVia === via) return false
      channel.resultsVia = via
      channel.$hydrateOriginals()
      return true
    })
    if (changed.length > 0) await this.store.setResultsVia(changed)
  }

  /**
   * Milliseconds until a channel is to be read (0 or less: now). By its
   * pace when read from Helix; when live by event, once it has sent nothing
   * for `silentChannelReadMs` (by the app's clock, which stamps its reads).
   */
  #msUntilDue(channel: PollChannel, run: PollRun, pace: ReadPace | null) {
    if (channel.resultsVia === 'events') {
      const heard = channel.lastReadAt ?? run.startedAt
      const silentFor = this.clock.now().toMillis() - (heard?.toMillis() ?? 0)
      return this.eventsub.silentChannelReadMs - silentFor
    }
    // Without a pace (a single `tick()`), a polled channel is always due.
    return pace ? pace.msUntilDue(channel.id, Date.now()) : 0
  }

  /**
   * Until the next channel is due, or the poll's end, whichever is first.
   */
  #sleepMs(run: PollRun, channels: PollChannel[], pace: ReadPace) {
    const untilNext = Math.min(
      ...channels
        .filter((channel) => channel.twitchPollOpen)
        .map((channel) => this.#msUntilDue(channel, run, pace))
    )
    let wait = Math.min(pace.interval, Math.max(0, untilNext))
    if (run.endsAt) {
      const untilEnd = run.endsAt.toMillis() - this.clock.now().toMillis()
      if (untilEnd > 0) wait = Math.min(wait, untilEnd + 250)
      else wait = Math.min(wait, this.settings.minReadIntervalMs)
    }
    return Math.max(wait, 50)
  }

  async #streamers(channels: PollChannel[]) {
    const ids = channels
      .map((channel) => channel.streamerId)
      .filter((id): id is number => id !== null)
    const streamers = ids.length ? await Streamer.query().whereIn('id', ids) : []
    return new Map(streamers.map((streamer) => [streamer.id, streamer]))
  }
}
