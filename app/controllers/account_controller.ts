import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import Streamer from '#models/streamer'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { AccountDeletionService } from '#services/accounts/account_deletion_service'
import { refusalsGoTo } from '#exceptions/domain_error_renderer'
import { accountDeletionValidator } from '#validators/account'

/**
 * The account page: who is signed in, and deleting the account.
 */
@inject()
export default class AccountController {
  constructor(private deletion: AccountDeletionService) {}

  async show({ auth, view }: HttpContext) {
    const user = auth.getUserOrFail()
    return view.render('pages/account/show', {
      plan: await this.deletion.plan(user),
      confirmationWord: await confirmationWordOf(user.id, user.displayName),
    })
  }

  async destroy(ctx: HttpContext) {
    const { i18n, auth, request, response, session } = ctx
    const user = auth.getUserOrFail()
    const { confirmation } = await request.validateUsing(accountDeletionValidator)
    const expected = await confirmationWordOf(user.id, user.displayName)
    if (confirmation.toLowerCase() !== expected.toLowerCase()) {
      session.flash('error', i18n.t('account.flash.not_confirmed', { expected }))
      return response.redirect().toRoute('account.show')
    }

    refusalsGoTo(ctx, urlFor('account.show'))
    await this.deletion.delete(user)

    await auth.use('web').logout()
    session.regenerate()
    session.flash('success', i18n.t('account.flash.deleted'))
    return response.redirect().toRoute('home')
  }
}

/**
 * What the person types to confirm: their Twitch login.
 */
async function confirmationWordOf(userId: number, fallback: string) {
  const streamer = await Streamer.findBy('user_id', userId)
  return streamer?.twitchLogin ?? fallback
}
