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
    session.flash('readinessCheck', results)
    const summary = checkSummary(results)
    session.flash(summary.kind, summary.message)
    return response.redirect().toRoute('campaigns.readiness', { id: campaign.id })
  }
}

/**
 * One sentence about a "check now". Only what Twitch confirmed counts as
 * ready: when Twitch could not be reached, that is what the GM reads first.
 */
function checkSummary(results: ReadinessCheckResult[]): {
  kind: 'success' | 'error'
  message: string
} {
  if (results.length === 0) {
    return { kind: 'success', message: 'Nobody to check yet: invite streamers first.' }
  }
  const members = (count: number) => `${count} member${count === 1 ? '' : 's'}`
  const unreachable = results.filter((result) => result.twitchUnreachable).length
  const checked = results.filter((result) => !result.twitchUnreachable)
  const ready = checked.filter((result) => result.ready).length
  const reconnect = checked.filter((result) => result.status === 'needs_reconnect').length
  const unauthorized = checked.filter((result) => result.status === 'not_authorized').length
  const noPolls = checked.length - ready - reconnect - unauthorized
  const counts =
    `${ready} ready, ${reconnect} must reconnect, ${unauthorized} without authorization` +
    (noPolls > 0 ? `, ${noPolls} without Twitch polls` : '')
  if (unreachable === 0) {
    return {
      kind: 'success',
      message: `Checked ${members(results.length)} with Twitch: ${counts}.`,
    }
  }
  const notChecked =
    unreachable === results.length
      ? `none of the ${members(results.length)} could be checked`
      : `${members(unreachable)} of ${results.length} could not be checked (the others: ${counts})`
  return {
    kind: 'error',
    message: `Twitch could not be reached: ${notChecked}. Try again in a minute.`,
  }
}
