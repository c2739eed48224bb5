import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type PollRun from '#models/poll_run'
import {
  NOTIFICATION_TYPES,
  NotificationService,
  type NotificationInput,
} from '#services/notifications/notification_service'
import { notificationSubject } from '#services/notifications/notification_subjects'
import type { Message } from '#services/i18n/message'
import { errorMessage } from '#services/error_message'

interface Audience {
  campaignId: number
  campaignName: string
  userIds: number[]
}

/**
 * Tells the streamers whose channels run a poll that it went live and that
 * it ended (in-app, and by web push unless they switched that category off).
 * Called once per run: `started` by the launch that created the run,
 * `ended` by whoever wins the run's final write (PollRunStore.finalize), so
 * a run is announced once however and wherever it ends. The GM is not told:
 * they launched and watch it. A failure is logged, never passed on: the poll
 * itself already went live or ended.
 */
@inject()
export class PollNotifier {
  constructor(private notifications: NotificationService) {}

  async started(run: PollRun) {
    await this.#send(run, 'started', (audience) => ({
      type: NOTIFICATION_TYPES.pollStarted,
      message: {
        key: 'notifications.poll_started',
        values: {
          title: run.title,
          campaign: audience.campaignName,
          duration: { durationSeconds: run.durationSeconds },
        },
      },
    }))
  }

  async ended(run: PollRun) {
    await this.#send(run, 'ended', (audience) => ({
      type: NOTIFICATION_TYPES.pollEnded,
      message: resultMessage(run, audience.campaignName),
    }))
    // "Poll live on your channel" is over.
    await this.notifications
      .resolve(notificationSubject.pollRun(run.id), [NOTIFICATION_TYPES.pollStarted])
      .catch((error: unknown) => this.#warn(run, 'ended', error))
  }

  async #send(
    run: PollRun,
    moment: 'started' | 'ended',
    content: (audience: Audience) => Pick<NotificationInput, 'type' | 'message'>
  ) {
    try {
      const audience = await this.#audience(run)
      if (audience.userIds.length === 0) return
      const shared = content(audience)
      await this.notifications.notify(
        audience.userIds.map((userId) => ({
          ...shared,
          userId,
          url: `/campaigns/${audience.campaignId}`,
          subject: notificationSubject.pollRun(run.id),
        }))
      )
    } catch (error) {
      this.#warn(run, moment, error)
    }
  }

  /**
   * The users whose channels got the poll, without the campaign's GM.
   */
  async #audience(run: PollRun): Promise<Audience> {
    const rows: { user_id: number; campaign_name: string; owner_id: number }[] = await db
      .from('poll_channels')
      .join('streamers', 'streamers.id', 'poll_channels.streamer_id')
      .join('poll_runs', 'poll_runs.id', 'poll_channels.poll_run_id')
      .join('campaigns', 'campaigns.id', 'poll_runs.campaign_id')
      .where('poll_channels.poll_run_id', run.id)
      .where('poll_channels.outcome', 'created')
      .distinct('streamers.user_id', 'campaigns.name as campaign_name', 'campaigns.owner_id')
    return {
      campaignId: run.campaignId,
      campaignName: rows[0]?.campaign_name ?? '',
      userIds: rows.filter((row) => row.user_id !== row.owner_id).map((row) => row.user_id),
    }
  }

  #warn(run: PollRun, moment: string, error: unknown) {
    logger.warn(
      { runId: run.id, moment, error: errorMessage(error) },
      '[Polls] could not notify the streamers'
    )
  }
}

/**
 * "Poll ended" with the combined answer: the leading choice (or the tie),
 * or that nobody voted.
 */
function resultMessage(run: PollRun, campaign: string): Message {
  const totals = run.totals ?? []
  const total = totals.reduce((sum, votes) => sum + votes, 0)
  const best = total === 0 ? 0 : Math.max(...totals)
  const leaders = total === 0 ? [] : run.choices.filter((_, index) => totals[index] === best)
  return {
    key: 'notifications.poll_ended',
    values: {
      title: run.title,
      campaign,
      early: run.endReason === 'ended_early' ? 'yes' : 'no',
      outcome: leaders.length === 0 ? 'none' : leaders.length === 1 ? 'winner' : 'tie',
      leaders: leaders.length === 1 ? leaders[0] : { quotedList: leaders },
      best,
      total,
    },
  }
}
