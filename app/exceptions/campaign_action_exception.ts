import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { CampaignActionRefused } from '#services/campaigns/errors'

/**
 * The HTTP side of a refused campaign action: controllers map a service's
 * `CampaignActionRefused` to it (`refusalsGoTo`). It handles itself: the
 * message is flashed as an error and the browser goes to `redirectTo`, with
 * the form's input kept.
 */
export class CampaignActionException extends Exception {
  static status = 422
  static code = 'E_CAMPAIGN_ACTION'

  /** Show a "reconnect your Twitch account" link along with the message. */
  readonly reconnect: boolean
  readonly redirectTo: string

  constructor(message: string, options: { redirectTo: string; reconnect?: boolean }) {
    super(message)
    this.reconnect = options.reconnect ?? false
    this.redirectTo = options.redirectTo
  }

  async handle(error: this, ctx: HttpContext) {
    ctx.session.flashExcept(['_csrf', '_method'])
    ctx.session.flash('error', error.message)
    if (error.reconnect) {
      ctx.session.flash('reconnect', true)
    }
    return ctx.response.redirect(error.redirectTo)
  }
}

/**
 * Runs a service call; a refusal from it becomes a message on `redirectTo`.
 */
export async function refusalsGoTo<T>(redirectTo: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof CampaignActionRefused) {
      throw new CampaignActionException(error.message, {
        reconnect: error.reconnect,
        redirectTo,
      })
    }
    throw error
  }
}
