import { hasMany, hasOne } from '@adonisjs/lucid/orm'
import type { HasMany, HasOne } from '@adonisjs/lucid/types/relations'
import Streamer from '#models/streamer'
import Campaign from '#models/campaign'
import PushSubscription from '#models/push_subscription'
import Notification from '#models/notification'
import { UserSchema } from '#database/schema'
import { ApiTokensProvider } from '#services/api/api_token_provider'

/**
 * Everyone signs in with Twitch: a user always has a streamer row, and is a
 * GM of the campaigns they own.
 */
export default class User extends UserSchema {
  /**
   * Personal access tokens of the JSON API (docs/api.md): only a hash of
   * each is stored; the value is shown once, when it is made.
   */
  static accessTokens = new ApiTokensProvider({
    tokenableModel: User,
    table: 'auth_access_tokens',
    type: 'api_token',
    prefix: 'chorus_',
  })

  @hasOne(() => Streamer)
  declare streamer: HasOne<typeof Streamer>

  @hasMany(() => Campaign, { foreignKey: 'ownerId' })
  declare ownedCampaigns: HasMany<typeof Campaign>

  @hasMany(() => PushSubscription)
  declare pushSubscriptions: HasMany<typeof PushSubscription>

  @hasMany(() => Notification)
  declare notifications: HasMany<typeof Notification>
}
