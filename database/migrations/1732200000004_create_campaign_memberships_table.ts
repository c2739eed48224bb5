import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'campaign_memberships'

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
        .integer('streamer_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('streamers')
        .onDelete('CASCADE')
        .index()
      table.string('status', 16).notNullable().defaultTo('pending')
      table.timestamp('invited_at', { useTz: true }).notNullable()
      table.timestamp('accepted_at', { useTz: true }).nullable()
      table.timestamp('poll_authorization_granted_at', { useTz: true }).nullable()
      table.timestamp('poll_authorization_expires_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['campaign_id', 'streamer_id'])
      // "Active authorization" lookups scan by expiry.
      table.index(['poll_authorization_expires_at'])
    })
    this.schema.raw(
      `ALTER TABLE ${this.tableName} ADD CONSTRAINT campaign_memberships_status_check CHECK (status IN ('pending', 'active'))`
    )
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
