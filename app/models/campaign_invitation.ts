import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import type { BroadcasterType } from '#models/streamer'
import { CampaignInvitationSchema } from '#database/schema'

/**
 * A GM's invitation to a Twitch account that has not signed in to Chorus
 * yet. It becomes a pending membership on that account's first sign-in.
 */
export default class CampaignInvitation extends CampaignInvitationSchema {
  @column()
  declare broadcasterType: BroadcasterType

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>
}
