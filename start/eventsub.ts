/*
|--------------------------------------------------------------------------
| Twitch events: subscriptions kept in step
|--------------------------------------------------------------------------
|
| Preloaded for the `web` environment only (adonisrc.ts). With
| TWITCH_EVENTSUB_SECRET set, every web instance offers to reconcile the
| EventSub subscriptions at boot and every few minutes; a Redis lock lets
| one of them do it (docs/eventsub.md). While chat votes run, one of them
| also checks with Twitch that their chat still arrives
| (docs/chat-voting.md). Without the secret: nothing.
*/
import app from '@adonisjs/core/services/app'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { ChatSubscriptionWatch } from '#services/chat_votes/chat_subscription_watch'

// Started once the app is ready, so that a warm-up boot never calls Twitch.
app.ready(async () => {
  const reconciler = await app.container.make(SubscriptionReconciler)
  const chatWatch = await app.container.make(ChatSubscriptionWatch)
  reconciler.start()
  chatWatch.start()
  app.terminating(async () => {
    await chatWatch.stop()
    await reconciler.stop()
  })
})
