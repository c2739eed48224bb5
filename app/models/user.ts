import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, hasOne } from '@adonisjs/lucid/orm'
import type { HasMany, HasOne } from '@adonisjs/lucid/types/relations'
import Streamer from '#models/streamer'
import Campaign from '#models/campaign'
import PushSubscription from '#models/push_subscription'
import Notification from '#models/notification'

/**
 * Everyone signs in with Twitch: a user always has a streamer row, and is a
 * GM of the campaigns they own.
 */
export default class User extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare displayName: string

  @column()
  declare email: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasOne(() => Streamer)
  declare streamer: HasOne<typeof Streamer>

  @hasMany(() => Campaign, { foreignKey: 'ownerId' })
  declare ownedCampaigns: HasMany<typeof Campaign>

  @hasMany(() => PushSubscription)
  declare pushSubscriptions: HasMany<typeof PushSubscription>

  @hasMany(() => Notification)
  declare notifications: HasMany<typeof Notification>
}
