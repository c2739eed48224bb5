import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { Clock } from '#services/clock'
import { CampaignService } from '#services/campaigns/campaign_service'
import { ReadinessService } from '#services/campaigns/readiness_service'
import { ChannelStateService } from '#services/campaigns/channel_state'
import { findManagedCampaign, findVisibleCampaign } from '#policies/campaign_policy'
import {
  campaignValidator,
  CAMPAIGN_DESCRIPTION_MAX,
  CAMPAIGN_NAME_MAX,
} from '#validators/campaign'

/**
 * A GM's campaigns: create, show, edit, delete. The campaign page shows the
 * GM its members and the invite form, and an invited streamer their own
 * membership (answer, grant, revoke, leave).
 */
@inject()
export default class CampaignsController {
  constructor(
    private campaigns: CampaignService,
    private readiness: ReadinessService,
    private clock: Clock,
    private channelStates: ChannelStateService
  ) {}

  async create({ view }: HttpContext) {
    return view.render('pages/campaigns/form', {
      campaign: null,
      limits: { name: CAMPAIGN_NAME_MAX, description: CAMPAIGN_DESCRIPTION_MAX },
    })
  }

  async store({ i18n, auth, request, response, session }: HttpContext) {
    const input = await request.validateUsing(campaignValidator)
    const campaign = await this.campaigns.create(auth.getUserOrFail(), input)
    session.flash('success', i18n.t('campaigns.flash.created', { campaign: campaign.name }))
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async show({ auth, params, view }: HttpContext) {
    const user = auth.getUserOrFail()
    const { campaign, membership, isOwner } = await findVisibleCampaign(user, params.id)
    const now = this.clock.now()
    if (membership) await membership.load('streamer')
    return view.render('pages/campaigns/show', {
      campaign,
      isOwner,
      membership,
      rows: isOwner ? await this.readiness.rows(campaign) : [],
      membershipState:
        membership?.status === 'active'
          ? this.channelStates.of(membership.streamer, membership)
          : null,
      now,
    })
  }

  async edit({ auth, params, view }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    return view.render('pages/campaigns/form', {
      campaign,
      limits: { name: CAMPAIGN_NAME_MAX, description: CAMPAIGN_DESCRIPTION_MAX },
    })
  }

  async update({ i18n, auth, params, request, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    const input = await request.validateUsing(campaignValidator)
    await this.campaigns.update(campaign, input)
    session.flash('success', i18n.t('campaigns.flash.saved'))
    return response.redirect().toRoute('campaigns.show', { id: campaign.id })
  }

  async destroy({ i18n, auth, params, response, session }: HttpContext) {
    const campaign = await findManagedCampaign(auth.getUserOrFail(), params.id)
    await this.campaigns.delete(campaign)
    session.flash('success', i18n.t('campaigns.flash.deleted', { campaign: campaign.name }))
    return response.redirect().toRoute('dashboard')
  }
}
