import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * One launch of a poll on a campaign's channels: what was asked (a copy, so
 * history survives edits of the prepared poll), its life cycle and the final
 * combined totals.
 */
export default class extends BaseSchema {
  protected tableName = 'poll_runs'

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
      table
        .integer('poll_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('polls')
        .onDelete('SET NULL')
      // The GM who launched it. No foreign key on purpose: one more parent of
      // poll_runs makes the test suites' parallel TRUNCATE … CASCADE deadlock.
      table.integer('launched_by_id').unsigned().nullable()
      // From the launch form: a double submit finds the run the first one made
      table.string('idempotency_key', 64).notNullable().unique()
      table.string('status', 16).notNullable()
      table.string('title', 60).notNullable()
      table.jsonb('choices').notNullable()
      table.integer('duration_seconds').notNullable()
      table.integer('channel_points_per_vote').nullable()
      table.timestamp('started_at', { useTz: true }).nullable()
      table.timestamp('ends_at', { useTz: true }).nullable()
      table.timestamp('ended_at', { useTz: true }).nullable()
      // duration | ended_early | ended_on_twitch | no_channel | interrupted
      table.string('end_reason', 16).nullable()
      // Final combined votes per choice (same order as choices), set when the run ends
      table.jsonb('totals').nullable()
      table.integer('total_votes').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['campaign_id', 'created_at'])
      table.index(['status'])
    })
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT poll_runs_status_check CHECK (status IN ('launching', 'running', 'ending', 'completed', 'terminated', 'failed'))`
    )
    // One poll at a time per campaign, whatever the number of web instances
    this.schema.raw(
      `CREATE UNIQUE INDEX poll_runs_one_live_per_campaign ON ${this.tableName} (campaign_id) WHERE status IN ('launching', 'running', 'ending')`
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
