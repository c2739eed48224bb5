import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { meResource } from '#services/api/api_resources'
import { OverlayService } from '#services/overlays/overlay_service'

/**
 * `GET /api/v1/me`: whose token this is, and their overlay link (docs/api.md).
 */
@inject()
export default class MeController {
  constructor(private overlays: OverlayService) {}

  async show({ auth }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    await user.load('streamer')
    const streamer = user.streamer ?? null
    const link = streamer ? await this.overlays.linkFor(streamer) : null
    return meResource(user, streamer, link?.url ?? null)
  }
}
