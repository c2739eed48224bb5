import { rowId } from '#start/route_matchers'
import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import type User from '#models/user'
import { buildSnapshot, type RunSnapshot } from '#services/polls/poll_snapshot'
import type { Broadcastable } from '@boringnode/transmit/types'

/**
 * Live results over Transmit (SSE). Every web instance shares one Redis
 * transport (config/transmit.ts): a broadcast from the instance that polls
 * Twitch reaches the GM's browser whichever instance holds its stream.
 */
export class PollBroadcaster {
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

  send(run: PollRun, channels: PollChannel[], now: Date = new Date()): RunSnapshot {
    const snapshot = buildSnapshot(run, channels, now)
    try {
      transmit.broadcast(PollBroadcaster.channel(run.id), {
        type: 'results',
        run: snapshot,
      } as unknown as Broadcastable)
    } catch (error) {
      // Live updates are a convenience: the page also reloads the snapshot.
      logger.warn(
        { runId: run.id, error: error instanceof Error ? error.message : String(error) },
        '[Polls] could not broadcast results'
      )
    }
    return snapshot
  }
}
