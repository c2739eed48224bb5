import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import PollRun from '#models/poll_run'
import { PollRunStore } from '#services/polls/poll_run_store'
import type Campaign from '#models/campaign'
import { findManagedCampaign } from '#policies/campaign_policy'
import { Clock } from '#services/clock'
import { buildSnapshot } from '#services/polls/poll_snapshot'
import { PollEndService } from '#services/polls/poll_end_service'
import { PollResultsPoller } from '#services/polls/poll_results_poller'

const HISTORY_PAGE_SIZE = 10

/**
 * A campaign's poll runs: the live page (bars updated through Transmit), its
 * JSON snapshot, "End now", and the history. GM only, like the polls.
 */
@inject()
export default class PollRunsController {
  constructor(
    private clock: Clock,
    private ender: PollEndService,
    private poller: PollResultsPoller,
    private runStore: PollRunStore
  ) {}

  async index({ auth, params, request, view }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const page = Math.max(1, Number.parseInt(String(request.input('page', 1)), 10) || 1)
    const runs = await PollRun.query()
      .where('campaign_id', campaign.id)
      .withScopes((scopes) => scopes.finished())
      .preload('channels')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .paginate(page, HISTORY_PAGE_SIZE)
    runs.baseUrl(urlFor('pollRuns.index', { id: campaign.id }))
    const liveRun = await this.runStore.liveRun(campaign.id)
    const now = this.clock.now().toJSDate()
    return view.render('pages/polls/history', {
      campaign,
      liveRun,
      runs: runs.all().map((run) => buildSnapshot(run, run.channels, now)),
      pagination: runs.getMeta(),
    })
  }

  async show({ auth, params, view }: HttpContext) {
    const { campaign, run } = await this.#find(auth.getUserOrFail(), params)
    await this.#keepPolled(run)
    await run.load('channels')
    const asking = await this.runStore.askingChannels(run)
    const snapshot = buildSnapshot(run, run.channels, this.clock.now().toJSDate(), asking)
    return view.render('pages/polls/run', {
      campaign,
      snapshot,
      // Embedded in a <script type="application/json">: no "</script>" can close it early.
      snapshotJson: JSON.stringify(snapshot).replace(/</g, '\\u003c'),
    })
  }

  /**
   * The run as JSON: the live page's catch-up after (re)subscribing, and its
   * fallback when server-sent events cannot get through.
   */
  async results({ auth, params, response }: HttpContext) {
    const { run } = await this.#find(auth.getUserOrFail(), params)
    await this.#keepPolled(run)
    await run.load('channels')
    response.header('Cache-Control', 'no-store')
    const asking = await this.runStore.askingChannels(run)
    return buildSnapshot(run, run.channels, this.clock.now().toJSDate(), asking)
  }

  async end({ i18n, auth, params, response, session }: HttpContext) {
    const { campaign, run } = await this.#find(auth.getUserOrFail(), params)
    const result = await this.ender.endNow(run)
    if (result.status === 'ended') {
      session.flash('success', i18n.t('polls.flash.ended', { title: run.title }))
    } else if (result.status === 'ending') {
      session.flash(
        'error',
        i18n.t('polls.flash.ending', { title: run.title, count: result.pending.length })
      )
    } else if (result.status === 'not_started') {
      session.flash('error', i18n.t('polls.flash.still_launching'))
    } else {
      session.flash('success', i18n.t('polls.flash.already_ended', { title: run.title }))
    }
    return response.redirect().toRoute('pollRuns.show', { id: campaign.id, runId: run.id })
  }

  /**
   * The run of a campaign the user manages; anything else is a 404.
   */
  async #find(
    user: Parameters<typeof findManagedCampaign>[0],
    params: Record<string, unknown>
  ): Promise<{ campaign: Campaign; run: PollRun }> {
    const campaign = await findManagedCampaign(user, Number(params.id))
    const run = await PollRun.query()
      .where('campaign_id', campaign.id)
      .where('id', Number(params.runId))
      .firstOrFail()
    return { campaign, run }
  }

  /**
   * A running poll whose poller died with its instance is taken over here
   * (the lock makes sure only one instance polls it).
   */
  async #keepPolled(run: PollRun) {
    if (run.status === 'running') await this.poller.start(run.id)
  }
}
