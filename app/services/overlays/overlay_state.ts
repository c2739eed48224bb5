import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type StreamerOverlay from '#models/streamer_overlay'
import { LIVE_RUN_STATUSES } from '#models/poll_run'
import { Clock } from '#services/clock'
import { PollRunStore } from '#services/polls/poll_run_store'
import { buildSnapshot } from '#services/polls/poll_snapshot'
import { OverlaySettings } from '#services/overlays/overlay_settings'
import { channelVoting, overlayPoll, type OverlayPoll } from '#services/overlays/overlay_poll'

/** What an overlay page loads when it opens or reconnects. */
interface OverlayState {
  /** The poll on this channel now, or one that ended within the winner's time; else null. */
  poll: OverlayPoll | null
  /** How long the winner stays on screen after the end. */
  winnerShowMs: number
  serverNow: string
}

/**
 * The poll an overlay shows right now: one live on the streamer's channel in
 * any of its campaigns (a channel runs one Twitch poll at a time), else one
 * that ended there less than the winner's time ago.
 */
@inject()
export class OverlayStateService {
  constructor(
    private clock: Clock,
    private settings: OverlaySettings,
    private store: PollRunStore
  ) {}

  async current(overlay: StreamerOverlay): Promise<OverlayState> {
    const now = this.clock.now()
    const endedSince = now.minus({ milliseconds: this.settings.winnerShowMs })
    const row: { id: number } | null = await db
      .from('poll_runs')
      .join('poll_channels', 'poll_channels.poll_run_id', 'poll_runs.id')
      .where('poll_channels.streamer_id', overlay.streamerId)
      .where('poll_channels.outcome', 'created')
      .where((runs) => {
        runs
          .whereIn('poll_runs.status', LIVE_RUN_STATUSES)
          .orWhere('poll_runs.ended_at', '>', endedSince.toJSDate())
      })
      .orderByRaw('(poll_runs.status = ANY(?)) DESC', [LIVE_RUN_STATUSES])
      .orderBy('poll_runs.id', 'desc')
      .select('poll_runs.id')
      .first()

    const base = {
      winnerShowMs: this.settings.winnerShowMs,
      serverNow: now.toJSDate().toISOString(),
    }
    if (!row) return { poll: null, ...base }
    const loaded = await this.store.load(row.id)
    if (!loaded) return { poll: null, ...base }
    const mine = loaded.channels.find((channel) => channel.streamerId === overlay.streamerId)
    const snapshot = buildSnapshot(loaded.run, loaded.channels, now.toJSDate())
    return { poll: overlayPoll(snapshot, mine ? channelVoting(mine) : 'twitch'), ...base }
  }
}
