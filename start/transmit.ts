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
import { middleware } from '#start/kernel'

transmit.registerRoutes((route) => route.use(middleware.liveRequestGuard()))

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

/*
| Event streams never end by themselves: on shutdown they are closed first,
| so the HTTP server can stop and every browser reconnects (to this instance
| once it is back, or to another one) and reloads what it shows. A browser
| may reconnect over a kept-alive socket before the server stops listening:
| after a short grace every socket is closed. Registered once the app is
| ready, so it runs before the HTTP server's own close (terminating hooks run
| last-registered first).
*/
const STREAMS_GRACE_MS = 2000

app.ready(async () => {
  const server = await app.container.make('server')
  app.terminating(() => {
    for (const [stream] of transmit.getManager().getAllSubscribers()) {
      stream.end()
    }
    const nodeServer = server.getNodeServer()
    if (nodeServer && 'closeAllConnections' in nodeServer) {
      setTimeout(() => nodeServer.closeAllConnections(), STREAMS_GRACE_MS).unref()
    }
  })
})
