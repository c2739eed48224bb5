import { inject } from '@adonisjs/core'
import type PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import { Clock } from '#services/clock'
import { PollRunStore } from '#services/polls/poll_run_store'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PollRunCloser } from '#services/polls/poll_run_closer'
import { RunOwnerLeases } from '#services/polls/run_owner_leases'

type EndNowResult =
  /** Ended on every channel Twitch could be told about. */
  | { status: 'ended'; run: PollRun }
  /**
   * Chat votes are closed, but Twitch could not be told on `pending`
   * channels yet: their polls still run there, their votes still count, and
   * the end is retried in the background until Twitch confirms.
   */
  | { status: 'ending'; run: PollRun; pending: PollChannel[] }
  /** It had already ended (at its duration, or another "End now" won). */
  | { status: 'already_ended'; run: PollRun }
  /** Still launching: nothing to end yet. */
  | { status: 'not_started'; run: PollRun }

/**
 * "End now": the run moves to `ending` (one conditional write, so two
 * clicks or two instances end it once, stamped with the moment it was
 * pressed), this instance takes the run's lease, and `PollRunCloser` closes
 * it. Should this instance die half-way, the lease lapses and another
 * instance's watcher closes the run the same way.
 */
@inject()
export class PollEndService {
  constructor(
    private clock: Clock,
    private store: PollRunStore,
    private poller: PollResultsPoller,
    private closer: PollRunCloser,
    private leases: RunOwnerLeases
  ) {}

  async endNow(run: PollRun): Promise<EndNowResult> {
    const now = this.clock.now()
    // Chat votes close first: whatever happens next (this instance dying
    // included), a vote sent after the click does not count.
    const loaded = await this.store.load(run.id)
    if (loaded?.run.status === 'running') {
      await this.closer.closeChatVotes(loaded.run, loaded.channels, now.toMillis())
    }
    const moved = await this.store.transition(run.id, 'running', 'ending', { endedAt: now })
    if (!moved) {
      await run.refresh()
      if (run.status === 'launching') return { status: 'not_started', run }
      if (run.status === 'ending') return this.#stillEnding(run)
      return { status: 'already_ended', run }
    }
    const lease = await this.leases.take(run.id)
    // This process's poller (if it is the one) stops now; another
    // instance's sees `ending` at its next step and stops. A step in flight
    // cannot write any more (the run is not `running`): no need to wait for it.
    await this.poller.stop(run.id, { wait: false })
    if (!lease) {
      // Only a run left `ending` for long has its lease taken by a watcher.
      await run.refresh()
      return this.#stillEnding(run)
    }
    const outcome = await this.closer.closeEnding(run.id, lease)
    await run.refresh()
    if (outcome?.status === 'closed') return { status: 'ended', run }
    if (outcome?.status === 'ending') return { status: 'ending', run, pending: outcome.pending }
    return { status: 'already_ended', run }
  }

  /**
   * Someone else is ending it (another click, another instance): what is
   * left to tell Twitch, as stored — nothing yet if it is still at it.
   */
  async #stillEnding(run: PollRun): Promise<EndNowResult> {
    if (run.status !== 'ending') return { status: 'already_ended', run }
    const loaded = await this.store.load(run.id)
    const pending = (loaded?.channels ?? []).filter(
      (channel) => channel.twitchPollOpen && channel.lastReadError !== null
    )
    return pending.length > 0
      ? { status: 'ending', run, pending }
      : { status: 'already_ended', run }
  }
}
