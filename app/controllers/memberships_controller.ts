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
    const { i18n, auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.memberships.accept(membership)
    session.flash(
      'success',
      i18n.t('campaigns.flash.joined', { campaign: membership.campaign.name })
    )
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async decline(ctx: HttpContext) {
    const { i18n, auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.memberships.decline(membership)
    session.flash(
      'success',
      i18n.t('campaigns.flash.declined', { campaign: membership.campaign.name })
    )
    return response.redirect().toRoute('dashboard')
  }

  async grant(ctx: HttpContext) {
    const { i18n, auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: membership.campaignId }))
    await this.authorizations.grant(membership)
    // The confirmation says what the channel's state now is, not what a grant usually means.
    const state = this.channelStates.of(membership.streamer, membership)
    const campaign = membership.campaign.name
    session.flash(
      'success',
      !state.ready
        ? i18n.t('campaigns.flash.granted_not_ready', {
            campaign,
            reason: state.ownReason ? i18n.t(state.ownReason) : '',
          })
        : state.voting.method === 'chat'
          ? i18n.t('campaigns.flash.granted_chat', { campaign })
          : i18n.t('campaigns.flash.granted', { campaign })
    )
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async revoke({ i18n, auth, params, response, session }: HttpContext) {
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    await this.authorizations.revoke(membership)
    session.flash(
      'success',
      i18n.t('campaigns.flash.revoked', { campaign: membership.campaign.name })
    )
    return response.redirect().toRoute('campaigns.show', { id: membership.campaignId })
  }

  async leave(ctx: HttpContext) {
    const { i18n, auth, params, response, session } = ctx
    const membership = await findOwnMembership(auth.getUserOrFail(), params.id)
    refusalsGoTo(ctx, urlFor('dashboard'))
    await this.memberships.leave(membership)
    session.flash('success', i18n.t('campaigns.flash.left', { campaign: membership.campaign.name }))
    return response.redirect().toRoute('dashboard')
  }
}
