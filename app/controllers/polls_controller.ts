import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import PollRun from '#models/poll_run'
import { PollRunStore } from '#services/polls/poll_run_store'
import { LaunchWork } from '#services/polls/launch_work'
import { findManagedCampaign } from '#policies/campaign_policy'
import { refusalsGoTo } from '#exceptions/domain_error_renderer'
import { PreparedPollService } from '#services/polls/prepared_poll_service'
import { PollLaunchService } from '#services/polls/poll_launch_service'
import { PollLaunchInterruptedError } from '#services/domain_errors'
import {
  launchPollValidator,
  movePollValidator,
  POLL_LIMITS,
  pollValidator,
} from '#validators/poll'

/**
 * The GM's prepared polls of a campaign (create, edit, reorder, delete) and
 * their launch. Only the campaign's GM gets here: a member gets a 403,
 * anybody else a 404 (findManagedCampaign).
 */
@inject()
export default class PollsController {
  constructor(
    private polls: PreparedPollService,
    private launcher: PollLaunchService,
    private runStore: PollRunStore,
    private launches: LaunchWork
  ) {}

  async index({ auth, params, view }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const polls = await this.polls.list(campaign)
    const liveRun = await this.runStore.liveRun(campaign.id)
    const pastRuns = await PollRun.query()
      .where('campaign_id', campaign.id)
      .withScopes((scopes) => scopes.finished())
      .count('* as total')
      .first()
    return view.render('pages/polls/index', {
      campaign,
      polls: polls.map((poll) => ({ poll, launchKey: newLaunchKey() })),
      liveRun,
      pastRunCount: Number(pastRuns?.$extras.total ?? 0),
      limits: POLL_LIMITS,
    })
  }

  async store({ i18n, auth, params, request, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const input = await request.validateUsing(pollValidator)
    const poll = await this.polls.create(campaign, input)
    session.flash('success', i18n.t('polls.flash.added', { title: poll.title }))
    return response.redirect().toRoute('polls.index', { id: campaign.id })
  }

  async edit({ auth, params, view }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    return view.render('pages/polls/edit', { campaign, poll, limits: POLL_LIMITS })
  }

  async update({ i18n, auth, params, request, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    const input = await request.validateUsing(pollValidator)
    await this.polls.update(poll, input)
    session.flash('success', i18n.t('polls.flash.saved', { title: poll.title }))
    return response.redirect().toRoute('polls.index', { id: campaign.id })
  }

  async destroy({ i18n, auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    await this.polls.delete(poll)
    session.flash('success', i18n.t('polls.flash.deleted', { title: poll.title }))
    return response.redirect().toRoute('polls.index', { id: campaign.id })
  }

  async move({ auth, params, request, response }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    const { direction } = await request.validateUsing(movePollValidator)
    await this.polls.move(poll, direction)
    return response
      .redirect()
      .toPath(`${urlFor('polls.index', { id: campaign.id })}#poll-${poll.id}`)
  }

  /**
   * Launches the poll on every ready channel and opens its live page as
   * soon as the run exists: the page shows each channel "asking Twitch…"
   * until Twitch answers, pushed live while this instance finishes the
   * launch (docs/live-results.md). A second submit of the same form opens
   * the first launch.
   */
  async launch(ctx: HttpContext) {
    const { auth, params, request, response } = ctx
    const user = auth.getUserOrFail()
    const campaign = await findManagedCampaign(user, params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    const { idempotency_key: key, voting_mode: votingMode } =
      await request.validateUsing(launchPollValidator)

    // A launch refused because a poll is live opens that poll instead.
    refusalsGoTo(ctx, urlFor('polls.index', { id: campaign.id }))
    const start = await this.launcher.begin(campaign, poll, user, key, votingMode ?? 'auto')

    const { run } = start
    if (start.created) {
      // The page says how the launch ends (its note); an interrupted one was
      // undone and logged by the launch itself.
      const finishing = start.finished.catch((error: unknown) => {
        if (!(error instanceof PollLaunchInterruptedError)) throw error
      })
      this.launches.track(run.id, 'a launch', finishing)
    }
    return response.redirect().toRoute('pollRuns.show', { id: campaign.id, runId: run.id })
  }
}

/**
 * The launch form's idempotency key, made when the page is rendered.
 */
function newLaunchKey() {
  return randomBytes(16).toString('base64url')
}
