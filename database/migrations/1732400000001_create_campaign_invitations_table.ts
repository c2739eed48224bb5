import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Invitations for Twitch accounts that have never signed in to Chorus: kept
 * by Twitch user id (a login can change) and turned into a pending
 * membership when that account first signs in.
 */
export default class extends BaseSchema {
  protected tableName = 'campaign_invitations'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('campaign_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('campaigns')
        .onDelete('CASCADE')
      table.string('twitch_user_id', 64).notNullable().index()
      table.string('twitch_login', 64).notNullable()
      table.string('twitch_display_name', 255).notNullable()
      table.string('broadcaster_type', 16).notNullable().defaultTo('')
      table.timestamp('invited_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['campaign_id', 'twitch_user_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
