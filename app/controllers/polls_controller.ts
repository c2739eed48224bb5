import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import PollRun from '#models/poll_run'
import { PollRunStore } from '#services/polls/poll_run_store'
import { findManagedCampaign } from '#policies/campaign_policy'
import { refusalsGoTo } from '#exceptions/domain_error_renderer'
import { PreparedPollService } from '#services/polls/prepared_poll_service'
import { PollLaunchService } from '#services/polls/poll_launch_service'
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
    private runStore: PollRunStore
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

  async store({ auth, params, request, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const input = await request.validateUsing(pollValidator)
    const poll = await this.polls.create(campaign, input)
    session.flash('success', `Poll "${poll.title}" added to the show.`)
    return response.redirect().toRoute('polls.index', { id: campaign.id })
  }

  async edit({ auth, params, view }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    return view.render('pages/polls/edit', { campaign, poll, limits: POLL_LIMITS })
  }

  async update({ auth, params, request, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    const input = await request.validateUsing(pollValidator)
    await this.polls.update(poll, input)
    session.flash('success', `Poll "${poll.title}" saved.`)
    return response.redirect().toRoute('polls.index', { id: campaign.id })
  }

  async destroy({ auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    await this.polls.delete(poll)
    session.flash('success', `Poll "${poll.title}" deleted.`)
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
   * Launches the poll on every ready channel, then opens its live page. A
   * second submit of the same form opens the first launch.
   */
  async launch(ctx: HttpContext) {
    const { auth, params, request, response, session } = ctx
    const user = auth.getUserOrFail()
    const campaign = await findManagedCampaign(user, params.id)
    const poll = await this.polls.find(campaign, params.pollId)
    const { idempotency_key: key, voting_mode: votingMode } =
      await request.validateUsing(launchPollValidator)

    // A launch refused because a poll is live opens that poll instead.
    refusalsGoTo(ctx, urlFor('polls.index', { id: campaign.id }))
    const result = await this.launcher.launch(campaign, poll, user, key, votingMode ?? 'auto')

    const { run } = result
    if (result.created) {
      await run.load('channels')
      const launched = run.channels.filter((channel) => channel.outcome === 'created').length
      const total = run.channels.length
      if (launched > 0) {
        // Shown by the run page itself, which hides it when the run ends.
        session.flash(
          'launched',
          `"${run.title}" is live on ${launched} of ${total} channel${total === 1 ? '' : 's'}.`
        )
      } else {
        session.flash(
          'error',
          total === 0
            ? 'Nobody streams this campaign yet: invite streamers first.'
            : 'No channel could run this poll: see why for each channel below.'
        )
      }
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
