import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { forEachWithConcurrency } from '#services/concurrency'
import { TwitchCallLimiter } from '#services/tokens/twitch_call_limiter'
import { RefreshTiming } from '#services/tokens/refresh_timing'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { errorMessage } from '#services/error_message'
import {
  CycleTally,
  failedOutcome,
  type CycleReport,
  type RefreshOutcome,
  type RefreshTrigger,
} from '#services/tokens/refresh_outcome'

interface CycleOptions {
  force?: boolean
  dryRun?: boolean
  trigger?: RefreshTrigger
  /** The scheduled tick this cycle runs for (the due rule looks past it). */
  tickAt?: DateTime
  concurrency?: number
  /** Keep one report line per streamer (the command prints them). */
  collectLines?: boolean
  /** Called after each streamer, for progress output. */
  onProgress?: (done: number, outcome: RefreshOutcome) => void
}

/** Cycle workers per Twitch slot (see run). */
const WORKERS_PER_SLOT = 2

/**
 * One refresh cycle over pages of streamers, with bounded concurrency, and
 * its report. One streamer's error never stops the others.
 */
@inject()
export class RefreshCycle {
  constructor(
    private clock: Clock,
    private timing: RefreshTiming,
    private settings: TokenRefreshSettings,
    private refresher: StreamerRefresher
  ) {}

  async run(
    pages: AsyncIterable<readonly Streamer[]>,
    options: CycleOptions = {}
  ): Promise<CycleReport> {
    const startedAt = this.clock.now()
    const reference = options.tickAt && options.tickAt > startedAt ? options.tickAt : startedAt
    const nextTick = this.timing.nextTick(reference)
    const concurrency = options.concurrency ?? this.settings.concurrency
    const limiter = new TwitchCallLimiter(concurrency, this.clock)
    const tally = new CycleTally(options.collectLines ?? false)

    // Twice as many workers as Twitch slots: a worker's lock, re-read and
    // write overlap another worker's call, and Twitch still sees at most
    // `concurrency` refreshes at once.
    await forEachWithConcurrency(pages, concurrency * WORKERS_PER_SLOT, async (streamer) => {
      let outcome: RefreshOutcome
      try {
        outcome = await this.refresher.refreshStreamer(streamer, {
          force: options.force,
          dryRun: options.dryRun,
          trigger: options.trigger,
          nextTick,
          limiter,
        })
      } catch (error) {
        logger.error(
          { streamerId: streamer.id, error: errorMessage(error) },
          '[TokenRefresh] unexpected error while refreshing a streamer'
        )
        outcome = failedOutcome(streamer, 'transient', `unexpected error: ${errorMessage(error)}`)
      }
      tally.add(outcome)
      options.onProgress?.(tally.total, outcome)
    })
    return tally.report(startedAt, this.clock.now())
  }
}
