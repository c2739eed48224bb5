import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { type DomainError, PollLaunchRefusedError } from '#services/domain_errors'
import { messageText } from '#services/i18n/message'

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /** Where a page goes back to when a service refuses its action. */
    refusalPage?: string
  }
}

/**
 * A controller of pages names, before it acts, the page its form is on: if
 * a service refuses the action (a DomainError), the exception handler
 * flashes the message and sends the browser there, with the form's input.
 */
export function refusalsGoTo(ctx: HttpContext, url: string) {
  ctx.refusalPage = url
}

/**
 * A refusal on a page: its message flashed as an error in the reader's
 * language (docs/languages.md), with the "reconnect" link when signing in
 * again is the way out, and the browser sent back. A launch refused because
 * a poll is live opens that poll.
 */
export function renderRefusalPage(error: DomainError, ctx: HttpContext) {
  ctx.session.flashExcept(['_csrf', '_method'])
  ctx.session.flash('error', messageText(ctx.i18n, error.said))
  if (error.reconnect) ctx.session.flash('reconnect', true)
  const liveRun = error instanceof PollLaunchRefusedError ? error.liveRun : null
  return ctx.response.redirect(
    liveRun
      ? urlFor('pollRuns.show', { id: liveRun.campaignId, runId: liveRun.id })
      : (ctx.refusalPage ?? urlFor('dashboard'))
  )
}
