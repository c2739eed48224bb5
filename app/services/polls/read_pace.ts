import type { PollSettings } from '#services/polls/poll_settings'

/** When a channel is read next, and how many reads in a row saw no change. */
interface ChannelPace {
  nextReadAt: number
  quietReads: number
}

/**
 * How often one run's Twitch polls are read from Helix (docs/live-results.md):
 * every channel once per interval, the interval spread so the run stays
 * within `readsPerSecond` and never shorter than `minReadIntervalMs`; a
 * channel whose votes did not move waits twice as long after each unchanged
 * read, up to `quietBackoffFactor` intervals.
 *
 * Pure bookkeeping over the times it is given (epoch ms), so the policy is
 * tested by stepping a number rather than by waiting; the results poller
 * owns one per running loop and passes it the time of its reads.
 */
export class ReadPace {
  readonly interval: number
  #channels = new Map<number, ChannelPace>()

  constructor(
    private settings: Pick<
      PollSettings,
      'readsPerSecond' | 'minReadIntervalMs' | 'maxReadIntervalMs' | 'quietBackoffFactor'
    >,
    run: { channelIds: number[]; pollCount: number },
    startedAt: number
  ) {
    this.interval = ReadPace.intervalFor(run.pollCount, settings)
    const { channelIds } = run
    for (const id of channelIds) {
      this.#channels.set(id, { nextReadAt: startedAt + this.interval, quietReads: 0 })
    }
  }

  /** The base interval for a run with `channelCount` Twitch polls. */
  static intervalFor(
    channelCount: number,
    settings: Pick<PollSettings, 'readsPerSecond' | 'minReadIntervalMs' | 'maxReadIntervalMs'>
  ) {
    const spread = Math.ceil((channelCount / settings.readsPerSecond) * 1000)
    return Math.min(settings.maxReadIntervalMs, Math.max(settings.minReadIntervalMs, spread))
  }

  /** Milliseconds until the channel is due (0 or less: now). */
  msUntilDue(channelId: number, now: number) {
    return (this.#channels.get(channelId)?.nextReadAt ?? 0) - now
  }

  /** Records a read of `read` at `now`; `changed` are those whose votes moved. */
  afterRead(read: number[], changed: Set<number>, now: number) {
    for (const id of read) {
      const current = this.#channels.get(id) ?? { nextReadAt: 0, quietReads: 0 }
      const quietReads = changed.has(id) ? 0 : current.quietReads + 1
      const factor = Math.min(2 ** quietReads, this.settings.quietBackoffFactor)
      this.#channels.set(id, { nextReadAt: now + this.interval * factor, quietReads })
    }
  }
}
