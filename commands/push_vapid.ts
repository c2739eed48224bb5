import webpush from 'web-push'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Generates the VAPID identity web push needs and writes it into `.env`.
 * Keeps existing keys unless --force: rotating them silently would break
 * every browser subscription made with the old public key.
 */
export default class PushVapid extends BaseCommand {
  static commandName = 'push:vapid'
  static description = 'Generate VAPID keys for web push into .env when they are missing'
  static options: CommandOptions = { startApp: false }

  @flags.boolean({ description: 'Replace existing keys (every browser must subscribe again)' })
  declare force: boolean

  @flags.boolean({ description: 'Print the keys instead of writing .env' })
  declare show: boolean

  async run() {
    const { default: env } = await import('#start/env')
    const hasKeys = Boolean(env.get('VAPID_PUBLIC_KEY') && env.get('VAPID_PRIVATE_KEY'))
    if (hasKeys && !this.force && !this.show) {
      this.logger.info('VAPID keys already set; use --force to replace them')
      return
    }

    const keys = webpush.generateVAPIDKeys()
    if (this.show) {
      this.logger.log(`VAPID_PUBLIC_KEY=${keys.publicKey}`)
      this.logger.log(`VAPID_PRIVATE_KEY=${keys.privateKey}`)
      return
    }

    const { writeEnvValues } = await import('#services/setup/env_file')
    await writeEnvValues(new URL('.env', this.app.appRoot), {
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
    })
    this.logger.action('add VAPID keys to .env').succeeded()
  }
}
