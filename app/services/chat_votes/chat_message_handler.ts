import { inject } from '@adonisjs/core'
import { Clock } from '#services/clock'
import { ChatVoteTally } from '#services/chat_votes/chat_vote_tally'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { ResultsPush } from '#services/polls/results_push'
import type { ChatMessageShape } from '#validators/eventsub'

/**
 * `channel.chat.message`: a message in a channel taking a chat vote is
 * counted in Redis (first valid vote per chatter) before the webhook
 * answers, and the run's combined result is pushed. Anything else is chatter.
 * The event fits `chatMessageShape` (ids without NUL, a text).
 */
@inject()
export class ChatMessageHandler implements EventSubHandler {
  constructor(
    private clock: Clock,
    private tally: ChatVoteTally,
    private push: ResultsPush
  ) {}

  async handle(notification: EventSubNotification) {
    const event = notification.event as ChatMessageShape
    const outcome = await this.tally.record({
      broadcasterId: event.broadcaster_user_id,
      chatterId: event.chatter_user_id,
      text: event.message.text,
      receivedAt: this.clock.now().toMillis(),
      sourceBroadcasterId: event.source_broadcaster_user_id ?? null,
    })
    if (outcome.counted) this.push.schedule(outcome.vote.runId)
  }
}
