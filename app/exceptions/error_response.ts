import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'
import { messageText, type Message } from '#services/i18n/message'
import { supportedLocaleOf, translator } from '#services/i18n/translator'

/**
 * Answers an error the way the request asked: a friendly page for a browser,
 * `{ "errors": [{ "message": … }] }` for a script (the push client, fetch
 * calls, the live results page). The page is rendered from the view alone:
 * it must work when the session, the database or Redis is what failed.
 *
 * The message is kept as a key: the page reads it in the request's language,
 * the JSON in English unless the request's language is already known
 * (docs/languages.md).
 */
export async function respondWithError(
  ctx: HttpContext,
  status: number,
  page: { view: string; message: Message; state?: Record<string, unknown> }
) {
  ctx.response.status(status)
  if (wantsJson(ctx)) {
    const message = messageText(ctx.i18n ?? translator('en'), page.message)
    return ctx.response.send({ errors: [{ message }] })
  }
  const i18n = pageLanguage(ctx)
  // Shared, not passed: the layout (a component) reads `i18n` too.
  ctx.view.share({ i18n })
  const html = await ctx.view.render(page.view, {
    ...page.state,
    message: messageText(i18n, page.message),
  })
  return ctx.response.send(html)
}

/**
 * The request's language; an error answered before it is known (Redis or
 * PostgreSQL down, a NUL byte) reads the browser's `Accept-Language` the way
 * the locale middleware does, without the account, so without the database.
 */
function pageLanguage(ctx: HttpContext): I18n {
  return ctx.i18n ?? translator(supportedLocaleOf(ctx.request.languages()))
}

function wantsJson(ctx: HttpContext) {
  return ctx.request.accepts(['html', 'json']) === 'json' || ctx.request.ajax()
}
