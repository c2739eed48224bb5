/*
|--------------------------------------------------------------------------
| Transmit (SSE): routes and channel authorization
|--------------------------------------------------------------------------
|
| Registers Transmit's own routes (GET /__transmit/events, POST
| /__transmit/subscribe and /__transmit/unsubscribe; CSRF applies, the
| browser client sends X-XSRF-TOKEN) and who may listen to what: a run's
| live results only to the GM of its campaign; an overlay's channel only to
| a page holding its key (docs/overlay.md).
*/
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import { PollBroadcaster } from '#services/polls/poll_broadcaster'
import { OverlayBroadcaster } from '#services/overlays/overlay_broadcaster'
import { OverlayAccess } from '#services/overlays/overlay_access'

transmit.registerRoutes()

transmit.authorize<{ runId: string }>(PollBroadcaster.channelPattern, (ctx, { runId }) =>
  PollBroadcaster.canSubscribe(ctx.auth.user, runId)
)

transmit.authorize<{ channelId: string }>(
  OverlayBroadcaster.channelPattern,
  async (ctx, { channelId }) => {
    const access = await app.container.make(OverlayAccess)
    return access.mayListen(ctx, channelId)
  }
)
