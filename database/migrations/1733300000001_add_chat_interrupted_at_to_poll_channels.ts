import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * When a chat channel's votes stopped reaching Chorus (Twitch revoked or
 * stopped delivering its `channel.chat.message` subscription) during a run;
 * null while they arrive. The GM's page and the API show "chat votes
 * interrupted" while it is set (docs/chat-voting.md).
 */
export default class extends BaseSchema {
  protected tableName = 'poll_channels'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.timestamp('chat_interrupted_at', { useTz: true }).nullable()
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('chat_interrupted_at')
    })
  }
}
