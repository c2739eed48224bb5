/*
|--------------------------------------------------------------------------
| Transmit (SSE): routes and channel authorization
|--------------------------------------------------------------------------
|
| Registers Transmit's own routes (GET /__transmit/events, POST
| /__transmit/subscribe and /__transmit/unsubscribe; CSRF applies, the
| browser client sends X-XSRF-TOKEN) and who may listen to what: a run's
| live results only to the GM of its campaign.
*/
import transmit from '@adonisjs/transmit/services/main'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'

transmit.registerRoutes()

transmit.authorize<{ runId: string }>(PollBroadcaster.channelPattern, (ctx, { runId }) =>
  PollBroadcaster.canSubscribe(ctx.auth.user, runId)
)
