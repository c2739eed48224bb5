import type { HttpContext } from '@adonisjs/core/http'

/**
 * Answers an error the way the request asked: a friendly page for a browser,
 * `{ "errors": [{ "message": … }] }` for a script (the push client, fetch
 * calls, the live results page). The page is rendered from the view alone:
 * it must work when the session, the database or Redis is what failed.
 */
export async function respondWithError(
  ctx: HttpContext,
  status: number,
  page: { view: string; message: string; state?: Record<string, unknown> }
) {
  ctx.response.status(status)
  if (wantsJson(ctx)) {
    return ctx.response.send({ errors: [{ message: page.message }] })
  }
  const html = await ctx.view.render(page.view, { message: page.message, ...page.state })
  return ctx.response.send(html)
}

function wantsJson(ctx: HttpContext) {
  return ctx.request.accepts(['html', 'json']) === 'json' || ctx.request.ajax()
}
