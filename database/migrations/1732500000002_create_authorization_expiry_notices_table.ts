import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * "Your poll authorization ends in 30 minutes" is sent once per grant: a row
 * per membership and expiry time it was sent for. A new grant has a new
 * expiry time, so it gets its own notice. The unique key makes "once" hold
 * with several web instances checking at the same minute.
 */
export default class extends BaseSchema {
  protected tableName = 'authorization_expiry_notices'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('campaign_membership_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('campaign_memberships')
        .onDelete('CASCADE')
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('notified_at', { useTz: true }).notNullable()

      table.unique(['campaign_membership_id', 'expires_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
