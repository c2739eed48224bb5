import type { HttpContext } from '@adonisjs/core/http'

export default class DashboardController {
  async show({ auth, view }: HttpContext) {
    const user = auth.getUserOrFail()
    await user.load('streamer')
    return view.render('pages/dashboard', { user, streamer: user.streamer })
  }
}
