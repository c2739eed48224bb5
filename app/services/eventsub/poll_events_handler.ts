import { inject } from '@adonisjs/core'
import type { EventSubHandler, EventSubNotification } from '#services/eventsub/eventsub_registry'
import { PollChannelEvents } from '#services/polls/poll_channel_events'
import type { PollEventShape } from '#validators/eventsub'
import { ResultsPush } from '#services/polls/results_push'

/**
 * `channel.poll.progress` and `channel.poll.end`: the channel's counts are
 * stored, then the run's combined result is pushed to the GM.
 * `channel.poll.begin` changes nothing (the launch stored the poll). The
 * event fits `pollEventShape` (ids without NUL, counts within an integer).
 */
@inject()
export class PollEventsHandler implements EventSubHandler {
  constructor(
    private events: PollChannelEvents,
    private push: ResultsPush
  ) {}

  async handle(notification: EventSubNotification) {
    if (notification.type === 'channel.poll.begin') return
    const runId = await this.events.apply(
      notification.event as PollEventShape,
      notification.type === 'channel.poll.end'
    )
    if (runId !== null) this.push.schedule(runId)
  }
}
