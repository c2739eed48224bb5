import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { EventSubReceiver, type EventSubOutcome } from '#services/eventsub/eventsub_receiver'
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
    const answer = webhookAnswer(await this.receiver.receiveWebhook(envelope, rawBody))
    return response.status(answer.status).type('text/plain').send(answer.text)
  }
}

/**
 * What Twitch hears. Only a 2xx stops its redeliveries: everything Chorus
 * cannot use is acknowledged; a 5xx only when storing failed for now.
 */
function webhookAnswer(outcome: EventSubOutcome): { status: number; text: string } {
  switch (outcome.kind) {
    case 'off':
      return { status: 404, text: 'Twitch events are not enabled on this server' }
    case 'unsigned':
      return { status: 403, text: 'missing or invalid signature' }
    case 'challenge':
      return { status: 200, text: outcome.challenge }
    case 'refused':
      return { status: 403, text: `verification refused: ${outcome.reason}` }
    case 'out_of_time':
    case 'unusable':
      return { status: 200, text: `ignored: ${outcome.reason}` }
    case 'handled':
    case 'already_handled':
    case 'ignored':
      return { status: 204, text: '' }
    case 'retry_later':
      return { status: 503, text: outcome.reason }
  }
}
