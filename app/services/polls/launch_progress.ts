import PollChannel from '#models/poll_channel'
import type PollRun from '#models/poll_run'
import type Streamer from '#models/streamer'
import type { Clock } from '#services/clock'
import type { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { launchedRow, type LaunchedChannel } from '#services/polls/poll_run_store'
import { traceLaunch } from '#services/polls/launch_trace'

/**
 * A launch as it goes, pushed live: the GM's page (on the run's Transmit
 * channel) shows each channel "asking Twitch…" until its answer, then its
 * poll or why it was left out; the overlay of a channel shows the question
 * as soon as that channel's poll exists. Answers that arrive together make
 * one push (they are gathered until the event loop's next turn). Nothing is
 * stored here: the launch records every channel at once when all are known
 * (PollRunStore.recordLaunch), and the page loads that afterwards.
 */
export class LaunchProgress {
  #members: Streamer[] = []
  #scheduled: NodeJS.Immediate | null = null
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
    this.#scheduled = setImmediate(() => {
      this.#scheduled = null
      this.#push()
    })
  }

  /** The launch is recorded (or undone): what follows comes from the rows. */
  stop() {
    this.#stopped = true
    if (this.#scheduled) clearImmediate(this.#scheduled)
    this.#scheduled = null
  }

  #push() {
    if (this.#stopped) return
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
  }
}
