import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Prepared polls: the questions a GM lines up for a show, in order.
 */
export default class extends BaseSchema {
  protected tableName = 'polls'

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
      table.integer('position').notNullable()
      table.string('title', 60).notNullable()
      // Choice titles, 2 to 5 strings of at most 25 characters (Twitch's rules)
      table.jsonb('choices').notNullable()
      table.integer('duration_seconds').notNullable()
      // Channel points per extra vote; null = channel points voting off
      table.integer('channel_points_per_vote').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['campaign_id', 'position'])
    })
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT polls_duration_check CHECK (duration_seconds BETWEEN 15 AND 1800)`
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
