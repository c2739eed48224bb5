import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import Streamer from '#models/streamer'

export type MembershipStatus = 'pending' | 'active'

/**
 * A streamer's place in a campaign: invited (pending), then accepted
 * (active); while active the streamer may grant a 12-hour poll authorization.
 */
export default class CampaignMembership extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column()
  declare streamerId: number

  @column()
  declare status: MembershipStatus

  @column.dateTime()
  declare invitedAt: DateTime

  @column.dateTime()
  declare acceptedAt: DateTime | null

  @column.dateTime()
  declare pollAuthorizationGrantedAt: DateTime | null

  @column.dateTime()
  declare pollAuthorizationExpiresAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

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
