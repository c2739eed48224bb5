import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { PushSubscriptionSchema } from '#database/schema'

/**
 * A browser's web-push subscription (`PushSubscription.toJSON()`).
 */
export default class PushSubscription extends PushSubscriptionSchema {
  // The naming strategy would look for `p_256_dh`.
  @column({ columnName: 'p256dh', serializeAs: null })
  declare p256dh: string

  @column({ serializeAs: null })
  declare auth: string

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
