import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import type { BroadcasterType } from '#models/streamer'

/**
 * A GM's invitation to a Twitch account that has not signed in to Chorus
 * yet. It becomes a pending membership on that account's first sign-in.
 */
export default class CampaignInvitation extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column()
  declare twitchUserId: string

  @column()
  declare twitchLogin: string

  @column()
  declare twitchDisplayName: string

  @column()
  declare broadcasterType: BroadcasterType

  @column.dateTime()
  declare invitedAt: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>
}
