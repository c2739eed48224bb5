import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A streamer's overlay for OBS: the secret key of its URL and how it looks.
 * The key is kept twice: its SHA-256 (the lookup when a page asks with it)
 * and encrypted with the app key (so the dashboard and the API can show the
 * URL again). See docs/overlay.md.
 */
export default class extends BaseSchema {
  protected tableName = 'streamer_overlays'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('streamer_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('streamers')
        .onDelete('CASCADE')
      table.string('key_hash', 64).notNullable().unique()
      table.text('key_encrypted').notNullable()
      table.timestamp('key_created_at', { useTz: true }).notNullable()
      // top-left | top-right | bottom-left | bottom-right | top | bottom
      table.string('position', 16).notNullable().defaultTo('bottom-right')
      // dark | light | outline
      table.string('theme', 16).notNullable().defaultTo('dark')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT streamer_overlays_position_check CHECK (position IN ('top-left', 'top-right', 'bottom-left', 'bottom-right', 'top', 'bottom'))`
    )
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT streamer_overlays_theme_check CHECK (theme IN ('dark', 'light', 'outline'))`
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
