import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { CampaignService } from '#services/campaigns/campaign_service'
import { ReadinessService } from '#services/campaigns/readiness_service'
import { findManagedCampaign } from '#policies/campaign_policy'
import { campaignResource, readinessResource } from '#services/api/api_resources'

/**
 * The campaigns the token's user runs as GM, and the readiness of one
 * (docs/api.md). Someone else's campaign is a 404, one the user only
 * streams in a 403, as on the pages.
 */
@inject()
export default class CampaignsController {
  constructor(
    private campaigns: CampaignService,
    private readinessService: ReadinessService
  ) {}

  async index({ auth }: HttpContext) {
    const campaigns = await this.campaigns.ownedBy(auth.use('api').getUserOrFail())
    return { data: campaigns.map(campaignResource) }
  }

  async readiness({ auth, params }: HttpContext) {
    const campaign = await findManagedCampaign(auth.use('api').getUserOrFail(), params.id)
    return readinessResource(await this.readinessService.readiness(campaign))
  }
}
