import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'streamers'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('twitch_user_id', 64).notNullable().unique()
      table.string('twitch_login', 64).notNullable().index()
      table.string('twitch_display_name', 255).notNullable()
      table.string('broadcaster_type', 16).notNullable().defaultTo('')
      table.text('profile_image_url').notNullable().defaultTo('')
      table.jsonb('scopes').notNullable().defaultTo('[]')
      // Ciphertext from Adonis `encryption`, never plain text.
      table.text('access_token_encrypted').nullable()
      table.text('refresh_token_encrypted').nullable()
      table.boolean('is_active').notNullable().defaultTo(true)
      table.timestamp('token_expires_at', { useTz: true }).nullable()
      table.timestamp('last_token_refresh_at', { useTz: true }).nullable()
      table.timestamp('token_refresh_failed_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      // The retry sweep looks streamers up by their first failure time.
      table.index(['token_refresh_failed_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
