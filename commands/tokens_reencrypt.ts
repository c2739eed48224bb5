import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Rewrites, once, the Twitch tokens still stored in the encryption format
 * of before AdonisJS 7 (docs/operations.md, "Encryption"). Safe while the
 * app runs and safe to run again.
 */
export default class TokensReencrypt extends BaseCommand {
  static commandName = 'tokens:reencrypt'
  static description = 'Rewrite Twitch tokens still in the pre-AdonisJS 7 encryption format'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { LegacyTokenReencryption } = await import('#services/tokens/legacy_tokens')
    const reencryption = await this.app.container.make(LegacyTokenReencryption)
    const { checked, rewritten } = await reencryption.run()
    this.logger.info(
      `Checked ${checked} streamer${checked === 1 ? '' : 's'}: ` +
        `${rewritten} token${rewritten === 1 ? '' : 's'} rewritten in the current format`
    )
  }
}
