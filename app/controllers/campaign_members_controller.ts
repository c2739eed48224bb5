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
    const { auth, params, request, response, session } = ctx
    const user = auth.getUserOrFail()
    const campaign = await findManagedCampaign(user, params.id)
    const { login } = await request.validateUsing(inviteStreamerValidator)
    refusalsGoTo(ctx, urlFor('campaigns.show', { id: campaign.id }))
    const result = await this.invitations.invite(campaign, user, login)
    session.flash(
      'success',
      result.kind === 'invited'
        ? `${result.name} is invited: the invitation is on their dashboard.`
        : `${result.name} is invited: they will see the invitation when they first sign in to Chorus.`
    )
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async cancelInvitation({ auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const invitation = await this.invitations.cancelInvitation(campaign, params.invitationId)
    session.flash('success', `The invitation of ${invitation.twitchLogin} is withdrawn.`)
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async remove({ auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const membership = await this.memberships.remove(campaign, params.membershipId)
    const name = membership.streamer.twitchDisplayName || membership.streamer.twitchLogin
    session.flash(
      'success',
      membership.status === 'pending'
        ? `The invitation of ${name} is withdrawn.`
        : `${name} is no longer a member of this campaign.`
    )
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }
}
