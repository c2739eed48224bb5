import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { OverlayAccess } from '#services/overlays/overlay_access'
import { OverlayService } from '#services/overlays/overlay_service'
import { OverlayStateService } from '#services/overlays/overlay_state'
import { OverlaySettings } from '#services/overlays/overlay_settings'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'
import { overlayWords } from '#services/overlays/overlay_words'
import { translator } from '#services/i18n/translator'
import Streamer from '#models/streamer'

/**
 * The streamer's OBS overlay: the page and its JSON state, opened with the
 * secret key in the URL (no sign-in). An unknown key is a 404.
 */
@inject()
export default class OverlaysController {
  constructor(
    private access: OverlayAccess,
    private overlays: OverlayService,
    private states: OverlayStateService,
    private settings: OverlaySettings
  ) {}

  async show(ctx: HttpContext) {
    const { params, response, view } = ctx
    keepPrivate(ctx)
    // The dashboard shows a preview of it in a frame (Chorus's own pages only).
    response.header('X-Frame-Options', 'SAMEORIGIN')
    const policy = response.getHeader('Content-Security-Policy')
    if (typeof policy === 'string') {
      response.header(
        'Content-Security-Policy',
        policy.replace(/frame-ancestors [^;]*/, `frame-ancestors 'self'`)
      )
    }
    const decision = await this.access.admit(ctx)
    if (!decision.allowed) {
      response.header('Retry-After', String(decision.retryAfterSeconds))
      return response.tooManyRequests('Too many requests, try again in a minute.')
    }
    const overlay = await this.overlays.findByKey(params.key)
    if (!overlay) return response.notFound(await view.render('pages/overlay/not_found'))
    // Viewers read it in the streamer's audience language (docs/languages.md).
    const streamer = await Streamer.findOrFail(overlay.streamerId)
    return view.render('pages/overlay/show', {
      ...overlayWords(translator(streamer.audienceLocale)),
      channel: OverlayBroadcaster.channelOfKeyHash(overlay.keyHash),
      position: overlay.position,
      theme: overlay.theme,
      winnerShowMs: this.settings.winnerShowMs,
    })
  }

  async state(ctx: HttpContext) {
    const { params, response } = ctx
    keepPrivate(ctx)
    const decision = await this.access.admit(ctx)
    if (!decision.allowed) {
      response.header('Retry-After', String(decision.retryAfterSeconds))
      return response.tooManyRequests({ errors: [{ message: 'Too many requests' }] })
    }
    const overlay = await this.overlays.findByKey(params.key)
    if (!overlay) return response.notFound({ errors: [{ message: 'Overlay not found' }] })
    return this.states.current(overlay)
  }
}

/** The key is in the URL: never cached, never sent on as a referrer, never indexed. */
function keepPrivate({ response }: HttpContext) {
  response.header('Cache-Control', 'no-store')
  response.header('Referrer-Policy', 'no-referrer')
  response.header('X-Robots-Tag', 'noindex')
}
