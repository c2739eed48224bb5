import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What Chorus knows of its EventSub subscriptions on Twitch: written when one
 * is created, when Twitch verifies or revokes it, and by every
 * reconciliation (which copies Twitch's own listing). The results poller
 * reads it to know which channels report their votes by event
 * (docs/eventsub.md).
 */
export default class extends BaseSchema {
  protected tableName = 'eventsub_subscriptions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('twitch_subscription_id', 64).notNullable().unique()
      table.string('type', 64).notNullable()
      table.string('version', 8).notNullable()
      // The condition's broadcaster (or user) id; null for app-wide subscriptions
      table.string('broadcaster_user_id', 32).nullable()
      // Twitch's status: enabled, webhook_callback_verification_pending, authorization_revoked…
      table.string('status', 64).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['broadcaster_user_id', 'type'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
