import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Chat voting: a run says whether the GM asked for chat voting on every
 * channel (`chat`) or let each channel use a Twitch poll where it can
 * (`auto`); a channel says how it voted and when Chorus posted the question
 * and the result in its chat (so a retry never posts them twice).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('poll_runs', (table) => {
      table.string('voting_mode', 8).notNullable().defaultTo('auto')
    })
    this.schema.raw(
      `ALTER TABLE poll_runs ADD CONSTRAINT poll_runs_voting_mode_check CHECK (voting_mode IN ('auto', 'chat'))`
    )
    this.schema.alterTable('poll_channels', (table) => {
      // twitch | chat; null for a channel left out
      table.string('voting', 8).nullable()
      table.timestamp('chat_announced_at', { useTz: true }).nullable()
      table.timestamp('chat_result_posted_at', { useTz: true }).nullable()
    })
    this.schema.raw(
      `ALTER TABLE poll_channels ADD CONSTRAINT poll_channels_voting_check CHECK (voting IN ('twitch', 'chat'))`
    )
    // Channels that ran before chat voting existed all voted by Twitch poll.
    this.schema.raw(`UPDATE poll_channels SET voting = 'twitch' WHERE outcome = 'created'`)
  }

  async down() {
    this.schema.alterTable('poll_channels', (table) => {
      table.dropColumn('voting')
      table.dropColumn('chat_announced_at')
      table.dropColumn('chat_result_posted_at')
    })
    this.schema.alterTable('poll_runs', (table) => {
      table.dropColumn('voting_mode')
    })
  }
}
