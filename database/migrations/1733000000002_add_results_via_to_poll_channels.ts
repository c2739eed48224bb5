import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * How a channel's votes reach the run: `events` (Twitch pushes them) or
 * `polling` (read from Helix), shown on the GM's page. Events find their
 * channel by Twitch poll id.
 */
export default class extends BaseSchema {
  protected tableName = 'poll_channels'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.string('results_via', 16).notNullable().defaultTo('polling')
      table.index(['twitch_poll_id'])
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropIndex(['twitch_poll_id'])
      table.dropColumn('results_via')
    })
  }
}
