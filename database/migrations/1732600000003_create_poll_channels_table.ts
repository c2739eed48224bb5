import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Where a run went: one row per campaign member at launch, with the Twitch
 * poll created on that channel or the reason it was left out, and the
 * channel's votes per choice.
 */
export default class extends BaseSchema {
  protected tableName = 'poll_channels'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('poll_run_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('poll_runs')
        .onDelete('CASCADE')
      table
        .integer('streamer_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('streamers')
        .onDelete('SET NULL')
        .index()
      // Copies, so history reads well after a streamer leaves
      table.string('twitch_user_id', 32).notNullable()
      table.string('twitch_login', 64).notNullable()
      table.string('display_name', 64).notNullable()
      // created | skipped | failed
      table.string('outcome', 16).notNullable()
      // not_authorized | needs_reconnect | not_affiliate | twitch_refused | twitch_unreachable
      table.string('reason', 32).nullable()
      // Twitch's own message (automod, a poll already running…) or ours
      table.text('error').nullable()
      table.string('twitch_poll_id', 64).nullable()
      // ACTIVE | COMPLETED | TERMINATED | ARCHIVED | MODERATED | INVALID, as Twitch says
      table.string('twitch_status', 16).nullable()
      table.jsonb('votes').nullable()
      table.jsonb('channel_points_votes').nullable()
      table.integer('total_votes').notNullable().defaultTo(0)
      table.timestamp('last_read_at', { useTz: true }).nullable()
      table.text('last_read_error').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['poll_run_id'])
      table.unique(['poll_run_id', 'twitch_user_id'])
    })
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT poll_channels_outcome_check CHECK (outcome IN ('created', 'skipped', 'failed'))`
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
