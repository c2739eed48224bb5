import { performance } from 'node:perf_hooks'
import PollChannel from '#models/poll_channel'
import type PollRun from '#models/poll_run'
import type Streamer from '#models/streamer'
import type { Clock } from '#services/clock'
import type { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { launchedRow, type LaunchedChannel } from '#services/polls/poll_run_store'
import { traceLaunch } from '#services/polls/launch_trace'

/**
 * While a launch lasts its state is pushed again this often: a page that
 * subscribed after an answer was pushed catches up without waiting for the
 * next one.
 */
const REPEAT_MS = 500

/**
 * Pushes are at least this far apart: answers arriving meanwhile go in the
 * next one, so 50 channels answering within a few ms cost a few pushes, not
 * 50, to the launch they would otherwise slow down.
 */
const SPACING_MS = 40

/**
 * A launch as it goes, pushed live: the GM's page (on the run's Transmit
 * channel) shows each channel "asking Twitch…" until its answer, then its
 * poll or why it was left out; the overlay of a channel shows the question
 * as soon as that channel's poll exists. Answers that arrive together make
 * one push (they are gathered for `SPACING_MS`), repeated while the launch
 * lasts for pages that subscribed after an answer was pushed. Nothing is
 * stored here: the launch records every channel at once when all are known
 * (PollRunStore.recordLaunch), and the page loads that afterwards.
 */
export class LaunchProgress {
  #members: Streamer[] = []
  #scheduled: NodeJS.Timeout | null = null
  #repeat: NodeJS.Timeout | null = null
  #lastPush = Number.NEGATIVE_INFINITY
  #stopped = false

  constructor(
    private run: PollRun,
    private plans: readonly LaunchedChannel[],
    private broadcaster: PollBroadcaster,
    private clock: Clock
  ) {}

  /** Every member of the campaign, each asked in turn. */
  members(streamers: Streamer[]) {
    this.#members = streamers
    this.changed()
  }

  /** A channel got its answer (or the members are known): a push is due. */
  changed() {
    if (this.#stopped || this.#scheduled) return
    const wait = Math.max(0, this.#lastPush + SPACING_MS - performance.now())
    this.#scheduled = setTimeout(() => {
      this.#scheduled = null
      this.#push()
    }, wait)
  }

  /** The launch is recorded (or undone): what follows comes from the rows. */
  stop() {
    this.#stopped = true
    if (this.#scheduled) clearTimeout(this.#scheduled)
    if (this.#repeat) clearTimeout(this.#repeat)
    this.#scheduled = null
    this.#repeat = null
  }

  #push() {
    if (this.#stopped) return
    this.#lastPush = performance.now()
    const now = this.clock.now().toJSDate()
    const answered = new Set(this.plans.map((plan) => plan.streamer.id))
    const channels = this.plans.map((plan) =>
      // Not stored yet: a negative id no row can have.
      PollChannel.$createFromAdapterResult({
        ...launchedRow(this.run, plan, new Set(), now),
        id: -plan.streamer.id,
      })
    )
    const asking = this.#members
      .filter((streamer) => !answered.has(streamer.id))
      .map((streamer) => ({
        login: streamer.twitchLogin,
        displayName: streamer.twitchDisplayName || streamer.twitchLogin,
      }))
    this.broadcaster.send(this.run, channels as PollChannel[], asking)
    traceLaunch(this.run.id, 'progress_pushed')
    if (this.#repeat) clearTimeout(this.#repeat)
    this.#repeat = setTimeout(() => this.changed(), REPEAT_MS)
    this.#repeat.unref()
  }
}
