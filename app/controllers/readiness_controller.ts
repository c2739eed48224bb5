import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { Clock } from '#services/clock'
import {
  HEALTH_LABELS,
  ReadinessService,
  type ReadinessCheckResult,
} from '#services/campaigns/readiness_service'
import { findManagedCampaign } from '#policies/campaign_policy'

/**
 * The GM's readiness page: who polls will run for, and "check now".
 */
@inject()
export default class ReadinessController {
  constructor(
    private readiness: ReadinessService,
    private clock: Clock
  ) {}

  async show({ auth, params, view, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const { rows, counts } = await this.readiness.readiness(campaign)
    const checks: ReadinessCheckResult[] = session.flashMessages.get('readinessCheck', [])
    const checkByStreamer = new Map(checks.map((check) => [check.streamerId, check]))
    return view.render('pages/campaigns/readiness', {
      campaign,
      rows: rows.map((row) => ({
        ...row,
        check: row.streamerId === null ? null : (checkByStreamer.get(row.streamerId) ?? null),
      })),
      counts,
      healthLabels: HEALTH_LABELS,
      now: this.clock.now(),
    })
  }

  async check({ auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const results = await this.readiness.check(campaign)
    const ready = results.filter((result) => result.ready).length
    const reconnect = results.filter((result) => result.status === 'needs_reconnect').length
    const unauthorized = results.filter((result) => result.status === 'not_authorized').length
    const noPolls = results.length - ready - reconnect - unauthorized
    session.flash('readinessCheck', results)
    session.flash(
      'success',
      results.length === 0
        ? 'Nobody to check yet: invite streamers first.'
        : `Checked ${results.length} member${results.length === 1 ? '' : 's'} with Twitch: ` +
            `${ready} ready, ${reconnect} must reconnect, ${unauthorized} without authorization` +
            (noPolls > 0 ? `, ${noPolls} without Twitch polls.` : '.')
    )
    return response.redirect().toRoute('campaigns.readiness', { id: campaign.id })
  }
}
