import { inject } from '@adonisjs/core'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { ApiTokenService } from '#services/api/api_token_service'
import { API_TOKEN_EXPIRY_DAYS, API_TOKEN_NAME_MAX, apiTokenValidator } from '#validators/api_token'

/**
 * The settings page of the signed-in user's personal access tokens for the
 * JSON API (docs/api.md): create one (its value is shown once, on the page
 * answering the form, and never again), list them, revoke one.
 */
@inject()
export default class ApiTokensController {
  constructor(private tokens: ApiTokenService) {}

  async index({ auth, view }: HttpContext) {
    return this.#render(view, await this.tokens.list(auth.getUserOrFail()), null)
  }

  async store({ auth, request, response, view }: HttpContext) {
    const user = auth.getUserOrFail()
    const input = await request.validateUsing(apiTokenValidator)
    const { token, value } = await this.tokens.create(user, input)
    // The page holds the only copy of the secret: no cache may keep it.
    response.header('Cache-Control', 'no-store')
    return this.#render(view, await this.tokens.list(user), { name: token.name, value })
  }

  async destroy({ auth, params, response, session }: HttpContext) {
    const revoked = await this.tokens.revoke(auth.getUserOrFail(), Number(params.id))
    if (!revoked) throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    session.flash('success', `Token "${revoked.name}" revoked: it no longer works.`)
    return response.redirect().toRoute('apiTokens.index')
  }

  #render(
    view: HttpContext['view'],
    tokens: Awaited<ReturnType<ApiTokenService['list']>>,
    created: { name: string | null; value: string } | null
  ) {
    return view.render('pages/settings/api_tokens', {
      tokens,
      created,
      expiryDays: API_TOKEN_EXPIRY_DAYS,
      nameMax: API_TOKEN_NAME_MAX,
    })
  }
}
