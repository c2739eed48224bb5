import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { TwitchSignInService } from '#services/auth/twitch_sign_in_service'
import { TwitchError } from '#services/twitch/twitch_errors'
import type { TwitchUser } from '#services/twitch/twitch_helix_client'
import { DEFAULT_LOCALE } from '#services/i18n/locales'
import { supportedLocaleOf } from '#services/i18n/translator'

/**
 * Sign in with Twitch: Ally sends the browser to Twitch with a `state`
 * cookie, the callback checks it and signs the user in.
 */
export default class TwitchAuthController {
  async redirect({ ally }: HttpContext) {
    return ally.use('twitch').redirect()
  }

  @inject()
  async callback(
    { ally, auth, request, response, view, logger, i18n }: HttpContext,
    signIn: TwitchSignInService
  ) {
    const twitch = ally.use('twitch')

    if (twitch.accessDenied()) {
      return signInFailed(response, view, i18n.t('errors.sign_in.declined'))
    }
    if (twitch.stateMisMatch()) {
      return signInFailed(response, view, i18n.t('errors.sign_in.state_mismatch'))
    }
    if (twitch.hasError()) {
      return signInFailed(response, view, i18n.t('errors.sign_in.twitch_error'))
    }

    try {
      const allyUser = await twitch.user()
      const { user } = await signIn.signIn(
        allyUser.original as TwitchUser,
        allyUser.token,
        // A first sign-in speaks the browser's language (docs/languages.md).
        supportedLocaleOf(request.languages()) ?? DEFAULT_LOCALE
      )
      await auth.use('web').login(user)
      // Back to the page that asked for sign-in (a path kept by the auth middleware).
      return response.redirect().toIntended('/dashboard')
    } catch (error) {
      if (error instanceof TwitchError) {
        logger.warn(
          { status: error.status, kind: error.kind },
          `Twitch sign-in failed: ${error.message}`
        )
        return signInFailed(
          response,
          view,
          error.kind === 'transient'
            ? i18n.t('errors.sign_in.unreachable')
            : i18n.t('errors.sign_in.refused')
        )
      }
      throw error
    }
  }

  async logout({ i18n, auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    session.flash('success', i18n.t('layout.flash.signed_out'))
    return response.redirect().toRoute('home')
  }
}

async function signInFailed(
  response: HttpContext['response'],
  view: HttpContext['view'],
  message: string
) {
  response.status(400)
  return view.render('pages/auth/sign_in_failed', { message })
}
