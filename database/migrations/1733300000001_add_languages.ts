import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Languages (docs/languages.md): each person's interface language, each
 * streamer's audience language (what their viewers read: overlay, chat
 * posts), and notifications stored as a message key with its values so
 * they are written out in the reader's language when read or pushed.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.string('locale', 16).notNullable().defaultTo('en')
    })
    this.schema.alterTable('streamers', (table) => {
      table.string('audience_locale', 16).notNullable().defaultTo('en')
    })
    this.schema.alterTable('notifications', (table) => {
      // {key, values}: null for rows written before languages existed.
      table.jsonb('message').nullable()
    })
  }

  async down() {
    this.schema.alterTable('notifications', (table) => {
      table.dropColumn('message')
    })
    this.schema.alterTable('streamers', (table) => {
      table.dropColumn('audience_locale')
    })
    this.schema.alterTable('users', (table) => {
      table.dropColumn('locale')
    })
  }
}
