import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import { MembershipService } from '#services/campaigns/membership_service'
import { PollAuthorizationService } from '#services/campaigns/poll_authorization_service'
import { findOwnMembership } from '#policies/campaign_policy'
import { ChannelStateService } from '#services/campaigns/channel_state'
import { refusalsGoTo } from '#exceptions/domain_error_renderer'

/**
 * The streamer's side: answer an invitation, grant or revoke the 12-hour
 * poll authorization, leave. Only the signed-in user's own memberships are
 * found; anyone else's answers 404.
 */
@inject()
export default class MembershipsController {
  constructor(
    private memberships: MembershipService,
    private authorizations: PollAuthorizationService,
    private channelStates: ChannelStateService
  ) {}

  async accept(ctx: HttpContext) {
    const { auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.memberships.accept(membership)
    session.flash(
      'success',
      `You joined "${membership.campaign.name}". Grant the poll authorization when the session starts.`
    )
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async decline(ctx: HttpContext) {
    const { auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.memberships.decline(membership)
    session.flash('success', `You declined the invitation to "${membership.campaign.name}".`)
    return response.redirect().toRoute('dashboard')
  }

  async grant(ctx: HttpContext) {
    const { auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.authorizations.grant(membership)
    // The confirmation says what the channel's state now is, not what a grant usually means.
    const state = this.channelStates.of(membership.streamer, membership)
    const ready = `Polls of "${membership.campaign.name}" may run on your channel for the next 12 hours.`
    session.flash(
      'success',
      !state.ready
        ? `Authorization for "${membership.campaign.name}" granted for 12 hours. ${state.ownReason}`
        : state.voting.method === 'chat'
          ? `${ready} Your viewers vote in chat: Chorus posts each question there.`
          : ready
    )
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async revoke({ auth, params, response, session }: HttpContext) {
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    await this.authorizations.revoke(membership)
    session.flash('success', `The poll authorization for "${membership.campaign.name}" has ended.`)
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async leave(ctx: HttpContext) {
    const { auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('dashboard'))
    await this.memberships.leave(membership)
    session.flash('success', `You left "${membership.campaign.name}".`)
    return response.redirect().toRoute('dashboard')
  }
}
