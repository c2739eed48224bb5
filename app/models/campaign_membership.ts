import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import Streamer from '#models/streamer'
import { CampaignMembershipSchema } from '#database/schema'

export type MembershipStatus = 'pending' | 'active'

/**
 * A streamer's place in a campaign: invited (pending), then accepted
 * (active); while active the streamer may grant a 12-hour poll authorization.
 */
export default class CampaignMembership extends CampaignMembershipSchema {
  @column()
  declare status: MembershipStatus

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>

  @belongsTo(() => Streamer)
  declare streamer: BelongsTo<typeof Streamer>

  hasActiveAuthorization(now: DateTime = DateTime.now()) {
    return (
      this.status === 'active' &&
      this.pollAuthorizationExpiresAt !== null &&
      this.pollAuthorizationExpiresAt > now
    )
  }
}
