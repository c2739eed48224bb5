import { belongsTo, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import CampaignMembership from '#models/campaign_membership'
import CampaignInvitation from '#models/campaign_invitation'
import { CampaignSchema } from '#database/schema'

/**
 * A tabletop campaign; its owner is its GM.
 */
export default class Campaign extends CampaignSchema {
  @belongsTo(() => User, { foreignKey: 'ownerId' })
  declare owner: BelongsTo<typeof User>

  @hasMany(() => CampaignMembership)
  declare memberships: HasMany<typeof CampaignMembership>

  /** Invitations to logins that have not signed in to Chorus yet. */
  @hasMany(() => CampaignInvitation)
  declare invitations: HasMany<typeof CampaignInvitation>
}
