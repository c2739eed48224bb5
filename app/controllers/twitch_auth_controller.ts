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
    { ally, auth, request, response, view, logger }: HttpContext,
    signIn: TwitchSignInService
  ) {
    const twitch = ally.use('twitch')

    if (twitch.accessDenied()) {
      return signInFailed(
        response,
        view,
        'You declined the request on Twitch, so you are not signed in.'
      )
    }
    if (twitch.stateMisMatch()) {
      return signInFailed(
        response,
        view,
        'This sign-in link has expired or was opened in another browser. Please start again.'
      )
    }
    if (twitch.hasError()) {
      return signInFailed(response, view, 'Twitch did not complete the sign-in. Please try again.')
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
            ? 'Twitch is not answering right now. Please try again in a moment.'
            : 'Twitch refused the sign-in. Please start again.'
        )
      }
      throw error
    }
  }

  async logout({ auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    session.flash('success', 'You are signed out.')
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
