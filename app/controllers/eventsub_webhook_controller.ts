import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { EventSubReceiver } from '#services/eventsub/eventsub_receiver'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { readEnvelope } from '#services/eventsub/eventsub_message'
import { readRawBody, BodyTooLargeError } from '#services/eventsub/raw_body'

/**
 * `POST /webhooks/twitch/eventsub`: Twitch's deliveries (docs/eventsub.md).
 * No session, no CSRF (a machine route, app/middleware/machine_routes.ts): the
 * signature over the raw body is the authentication.
 */
@inject()
export default class EventSubWebhookController {
  constructor(
    private receiver: EventSubReceiver,
    private settings: EventSubSettings
  ) {}

  async handle({ request, response }: HttpContext) {
    let rawBody: Buffer
    try {
      rawBody = await readRawBody(request.request, this.settings.bodyLimitBytes)
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return response.status(413).type('text/plain').send('message too large')
      }
      return response.status(400).type('text/plain').send('could not read the message')
    }
    const envelope = readEnvelope((name) => request.header(name))
    const answer = await this.receiver.receive(envelope, rawBody)
    return response.status(answer.status).type('text/plain').send(answer.text)
  }
}
