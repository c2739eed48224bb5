import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import { jsonColumn } from '#models/json_column'
import { PollSchema } from '#database/schema'

/**
 * A poll the GM prepared for a campaign's show, launched later as a PollRun.
 * Ordered by `position` within the campaign.
 */
export default class Poll extends PollSchema {
  @column(jsonColumn<string[]>([]))
  declare choices: string[]

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>
}
