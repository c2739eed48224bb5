import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * An action on a campaign that could not be done for a reason the person can
 * act on ("this login does not exist", "reconnect your Twitch account").
 * It handles itself: the message is flashed as an error and the browser goes
 * back to the page it came from (or `redirectTo`), with the form's input kept.
 */
export class CampaignActionException extends Exception {
  static status = 422
  static code = 'E_CAMPAIGN_ACTION'

  /** Show a "reconnect your Twitch account" link along with the message. */
  readonly reconnect: boolean
  readonly redirectTo: string | null

  constructor(message: string, options: { reconnect?: boolean; redirectTo?: string } = {}) {
    super(message)
    this.reconnect = options.reconnect ?? false
    this.redirectTo = options.redirectTo ?? null
  }

  async handle(error: this, ctx: HttpContext) {
    ctx.session.flashExcept(['_csrf', '_method'])
    ctx.session.flash('error', error.message)
    if (error.reconnect) {
      ctx.session.flash('reconnect', true)
    }
    if (error.redirectTo) {
      return ctx.response.redirect(error.redirectTo)
    }
    return ctx.response.redirect().back()
  }
}
