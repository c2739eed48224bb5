import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type User from '#models/user'
import { OverlayService } from '#services/overlays/overlay_service'
import { overlayLookValidator } from '#validators/overlay'

/**
 * The signed-in streamer's own overlay, from the dashboard: its look, and a
 * new link (the old one stops working at once).
 */
@inject()
export default class OverlaySettingsController {
  constructor(private overlays: OverlayService) {}

  async update({ i18n, auth, request, response, session }: HttpContext) {
    const streamer = await streamerOf(auth.getUserOrFail())
    if (!streamer) return response.notFound(i18n.t('errors.no_channel'))
    const look = await request.validateUsing(overlayLookValidator)
    await this.overlays.saveLook(streamer, look)
    session.flash('success', i18n.t('overlay.flash.look_saved'))
    return response.redirect().toPath('/dashboard#overlay')
  }

  async regenerate({ i18n, auth, response, session }: HttpContext) {
    const streamer = await streamerOf(auth.getUserOrFail())
    if (!streamer) return response.notFound(i18n.t('errors.no_channel'))
    await this.overlays.regenerate(streamer)
    session.flash('success', i18n.t('overlay.flash.regenerated'))
    return response.redirect().toPath('/dashboard#overlay')
  }
}

async function streamerOf(user: User) {
  await user.load('streamer')
  return user.streamer ?? null
}
