import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A launch never fails on what Twitch or a streamer's row can hold: a
 * channel row's names take what the streamers table takes (a display name
 * up to 255 characters, user ids up to 64), and a poll id what Twitch may
 * send. A run keeps a hash of the request that launched it, so a reused
 * Idempotency-Key with another body is refused instead of replayed
 * (docs/live-results.md).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('poll_channels', (table) => {
      table.string('twitch_user_id', 64).notNullable().alter()
      table.string('twitch_login', 255).notNullable().alter()
      table.string('display_name', 255).notNullable().alter()
      table.string('twitch_poll_id', 255).nullable().alter()
    })
    this.schema.alterTable('poll_runs', (table) => {
      // sha256 of the launch request, base64url; null for launches from the pages.
      table.string('request_hash', 64).nullable()
    })
  }

  async down() {
    this.schema.alterTable('poll_runs', (table) => {
      table.dropColumn('request_hash')
    })
    this.schema.alterTable('poll_channels', (table) => {
      table.string('twitch_user_id', 32).notNullable().alter()
      table.string('twitch_login', 64).notNullable().alter()
      table.string('display_name', 64).notNullable().alter()
      table.string('twitch_poll_id', 64).nullable().alter()
    })
  }
}
