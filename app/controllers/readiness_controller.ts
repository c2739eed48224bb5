import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { Clock } from '#services/clock'
import type { I18n } from '@adonisjs/i18n'
import { ReadinessService, type ReadinessCheckResult } from '#services/campaigns/readiness_service'
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
      now: this.clock.now(),
    })
  }

  async check({ auth, params, response, session, i18n }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const results = await this.readiness.check(campaign)
    session.flash('readinessCheck', results)
    const summary = checkSummary(i18n, results)
    session.flash(summary.kind, summary.message)
    return response.redirect().toRoute('campaigns.readiness', { id: campaign.id })
  }
}

/**
 * One sentence about a "check now". Only what Twitch confirmed counts as
 * ready: when Twitch could not be reached, that is what the GM reads first.
 */
function checkSummary(
  i18n: I18n,
  results: ReadinessCheckResult[]
): {
  kind: 'success' | 'error'
  message: string
} {
  if (results.length === 0) {
    return { kind: 'success', message: i18n.t('campaigns.flash.check_nobody') }
  }
  const unreachable = results.filter((result) => result.twitchUnreachable).length
  const checked = results.filter((result) => !result.twitchUnreachable)
  const ready = checked.filter((result) => result.ready).length
  const reconnect = checked.filter((result) => result.status === 'needs_reconnect').length
  const unauthorized = checked.filter((result) => result.status === 'not_authorized').length
  const noPolls = checked.length - ready - reconnect - unauthorized
  const counts = i18n.t('campaigns.flash.check_counts', { ready, reconnect, unauthorized, noPolls })
  if (unreachable === 0) {
    return {
      kind: 'success',
      message: i18n.t('campaigns.flash.checked', { count: results.length, counts }),
    }
  }
  return {
    kind: 'error',
    message:
      unreachable === results.length
        ? i18n.t('campaigns.flash.check_unreachable', { count: results.length })
        : i18n.t('campaigns.flash.check_partly_unreachable', {
            unreachable,
            count: results.length,
            counts,
          }),
  }
}
