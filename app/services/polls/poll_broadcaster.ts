import { inject } from '@adonisjs/core'
import { rowId } from '#start/route_matchers'
import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import type User from '#models/user'
import { Clock } from '#services/clock'
import { buildSnapshot, type AskingChannel, type RunSnapshot } from '#services/polls/poll_snapshot'
import type { Broadcastable } from '@boringnode/transmit/types'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'
import { errorMessage } from '#services/error_message'

/**
 * Live results over Transmit (SSE). Every web instance shares one Redis
 * transport (config/transmit.ts): a broadcast from the instance that polls
 * Twitch reaches the GM's browser whichever instance holds its stream.
 * The same snapshot goes to the overlays of the run's channels
 * (docs/overlay.md).
 */
@inject()
export class PollBroadcaster {
  constructor(
    private clock: Clock,
    private overlays: OverlayBroadcaster
  ) {}

  /** The Transmit channel of one run; only the campaign's GM may subscribe. */
  static channel(runId: number | string) {
    return `polls/runs/${runId}`
  }

  static readonly channelPattern = 'polls/runs/:runId'

  /**
   * Transmit's channel authorization: the signed-in user is the GM of the
   * run's campaign.
   */
  static async canSubscribe(user: User | undefined, runId: string) {
    if (!user || !rowId.match.test(runId)) return false
    const run = await PollRun.query()
      .where('id', Number(runId))
      .whereHas('campaign', (campaign) => campaign.where('owner_id', user.id))
      .select('id')
      .first()
    return run !== null
  }

  /**
   * `asking`: while the run launches, the channels Twitch has not answered
   * for yet (the launch's progress).
   */
  send(run: PollRun, channels: PollChannel[], asking: AskingChannel[] = []): RunSnapshot {
    const snapshot = buildSnapshot(run, channels, this.clock.now().toJSDate(), asking)
    try {
      transmit.broadcast(PollBroadcaster.channel(run.id), {
        type: 'results',
        run: snapshot,
      } as unknown as Broadcastable)
    } catch (error) {
      // Live updates are a convenience: the page also reloads the snapshot.
      logger.warn(
        { runId: run.id, error: errorMessage(error) },
        '[Polls] could not broadcast results'
      )
    }
    this.overlays.send(snapshot, channels)
    return snapshot
  }
}
