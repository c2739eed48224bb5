import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What a notification is about ("membership:12", "streamer:5"), so the code
 * that settles that matter can mark its notifications read and resolved
 * (docs/notifications.md).
 */
export default class extends BaseSchema {
  protected tableName = 'notifications'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.string('subject', 64).nullable()
      table.timestamp('resolved_at', { useTz: true }).nullable()
      table.index(['subject', 'type'])
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropIndex(['subject', 'type'])
      table.dropColumn('resolved_at')
      table.dropColumn('subject')
    })
  }
}
