import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { inject } from '@adonisjs/core'
import { InvitationService } from '#services/campaigns/invitation_service'
import { MembershipService } from '#services/campaigns/membership_service'
import { findManagedCampaign } from '#policies/campaign_policy'
import { inviteStreamerValidator } from '#validators/campaign'
import { refusalsGoTo } from '#exceptions/domain_error_renderer'

/**
 * The GM's side of membership: invite by Twitch login, withdraw an
 * invitation, remove a member.
 */
@inject()
export default class CampaignMembersController {
  constructor(
    private invitations: InvitationService,
    private memberships: MembershipService
  ) {}

  async invite(ctx: HttpContext) {
    const { i18n, auth, params, request, response, session } = ctx
    const user = auth.getUserOrFail()
    const campaign = await findManagedCampaign(user, params.id)
    const { login } = await request.validateUsing(inviteStreamerValidator)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: campaign.id }))
    const result = await this.invitations.invite(campaign, user, login)
    session.flash(
      'success',
      result.kind === 'invited'
        ? i18n.t('campaigns.flash.invited', { name: result.name })
        : i18n.t('campaigns.flash.invited_waiting', { name: result.name })
    )
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async cancelInvitation({ i18n, auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const invitation = await this.invitations.cancelInvitation(campaign, params.invitationId)
    session.flash(
      'success',
      i18n.t('campaigns.flash.invitation_withdrawn', { name: invitation.twitchLogin })
    )
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async remove({ i18n, auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const membership = await this.memberships.remove(campaign, params.membershipId)
    const name = membership.streamer.twitchDisplayName || membership.streamer.twitchLogin
    session.flash(
      'success',
      membership.status === 'pending'
        ? i18n.t('campaigns.flash.invitation_withdrawn', { name })
        : i18n.t('campaigns.flash.member_removed', { name })
    )
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }
}
