import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Which kinds of notification a user wants pushed to their browsers. One
 * row per user and category once the user changed it; no row = pushed. The
 * in-app copy in `notifications` is written whatever these say.
 */
export default class extends BaseSchema {
  protected tableName = 'notification_preferences'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('category', 64).notNullable()
      table.boolean('push_enabled').notNullable().defaultTo(true)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['user_id', 'category'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
