import type { HttpContext } from '@adonisjs/core/http'
import { meResource } from '#services/api/api_resources'

/**
 * `GET /api/v1/me`: whose token this is (docs/api.md).
 */
export default class MeController {
  async show({ auth }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    await user.load('streamer')
    return meResource(user, user.streamer ?? null)
  }
}
