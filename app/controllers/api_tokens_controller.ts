import { inject } from '@adonisjs/core'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { ApiTokenService } from '#services/api/api_token_service'
import { API_TOKEN_EXPIRY_DAYS, API_TOKEN_NAME_MAX, apiTokenValidator } from '#validators/api_token'

/**
 * The settings page of the signed-in user's personal access tokens for the
 * JSON API (docs/api.md): create one, list them, revoke one. Creating
 * redirects back to the list (a reload never makes a second token); the new
 * value travels in the session's flash, so it is shown on that one page and
 * never again.
 */
/** The flash key carrying a token just made (its name and value) to the next page. */
const CREATED_FLASH = 'createdApiToken'

type CreatedToken = { name: string | null; value: string }

function createdToken(flashed: unknown): CreatedToken | null {
  if (!flashed || typeof flashed !== 'object') return null
  const { name, value } = flashed as Record<string, unknown>
  if (typeof value !== 'string') return null
  return { name: typeof name === 'string' ? name : null, value }
}

@inject()
export default class ApiTokensController {
  constructor(private tokens: ApiTokenService) {}

  async index({ auth, response, session, view }: HttpContext) {
    const created = createdToken(session.flashMessages.get(CREATED_FLASH))
    // The page holding the only copy of a new secret: no cache may keep it.
    if (created) response.header('Cache-Control', 'no-store')
    return this.#render(view, await this.tokens.list(auth.getUserOrFail()), created)
  }

  async store({ auth, request, response, session }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await request.validateUsing(apiTokenValidator)
    const { token, value } = await this.tokens.create(user, input)
    session.flash(CREATED_FLASH, { name: token.name, value })
    return response.redirect().toRoute('apiTokens.index')
  }

  async destroy({ i18n, auth, params, response, session }: HttpContext) {
    const revoked = await this.tokens.revoke(auth.getUserOrFail(), Number(params.id))
    if (!revoked) throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    session.flash('success', i18n.t('tokens.flash.revoked', { name: revoked.name }))
    return response.redirect().toRoute('apiTokens.index')
  }

  #render(
    view: HttpContext['view'],
    tokens: Awaited<ReturnType<ApiTokenService['list']>>,
    created: CreatedToken | null
  ) {
    return view.render('pages/settings/api_tokens', {
      tokens,
      created,
      expiryDays: API_TOKEN_EXPIRY_DAYS,
      nameMax: API_TOKEN_NAME_MAX,
    })
  }
}
