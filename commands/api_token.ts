import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors } from '@vinejs/vine'
import Streamer from '#models/streamer'
import { ApiTokenService } from '#services/api/api_token_service'
import { printable } from '#services/twitch/printable_text'
import { apiTokenValidator } from '#validators/api_token'

const DEFAULT_NAME = 'Command line'

/**
 * `node ace api:token <twitch_login> [--name=…]`: a personal access token of
 * the JSON API for the user signed in with that Twitch account
 * (docs/api.md). The token is printed alone on the last line, so a script
 * can take it with `tail -n 1`.
 */
export default class ApiToken extends BaseCommand {
  static commandName = 'api:token'
  static description = 'Make a JSON API token for the user with this Twitch login'
  static help = [
    'The new token is printed alone on the last line; it is shown only this once.',
    'Revoke it on the API tokens page. Exit code 1 for an unknown login or a bad name.',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Twitch login of the token owner (e.g. dorian_dm)' })
  declare twitchLogin: string

  @flags.string({ description: `Name of the token (default "${DEFAULT_NAME}")` })
  declare name?: string

  async run() {
    const login = this.twitchLogin.trim().toLowerCase()
    const streamer = /^[a-z0-9_]{1,25}$/.test(login)
      ? await Streamer.query()
          .whereRaw('lower(twitch_login) = ?', [login])
          .preload('user')
          .orderBy('updated_at', 'desc')
          .first()
      : null
    if (!streamer) {
      this.logger.error(`No Chorus user has signed in with the Twitch login "${printable(login)}".`)
      this.exitCode = 1
      return
    }

    let input
    try {
      input = await apiTokenValidator.validate({ name: this.name ?? DEFAULT_NAME })
    } catch (error) {
      if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
      for (const { message } of error.messages as { message: string }[]) {
        this.logger.error(`--name: ${message}`)
      }
      this.exitCode = 1
      return
    }

    const service = await this.app.container.make(ApiTokenService)
    const { value } = await service.create(streamer.user, input)
    this.logger.log(
      `Token "${printable(input.name)}" made for ${printable(streamer.user.displayName)} ` +
        `(${streamer.twitchLogin}). It is shown only this once:`
    )
    this.logger.log(value)
  }
}
