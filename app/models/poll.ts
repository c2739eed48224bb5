import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import { jsonColumn } from '#models/json_column'

/**
 * A poll the GM prepared for a campaign's show, launched later as a PollRun.
 * Ordered by `position` within the campaign.
 */
export default class Poll extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column()
  declare position: number

  @column()
  declare title: string

  @column(jsonColumn<string[]>([]))
  declare choices: string[]

  @column()
  declare durationSeconds: number

  /** Channel points per extra vote; null = channel points voting off. */
  @column()
  declare channelPointsPerVote: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>
}
