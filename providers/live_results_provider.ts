import type { ApplicationService } from '@adonisjs/core/types'
import { buildInjected } from '#providers/injected_singleton'

/**
 * The shared state of live results, one instance per process (container
 * singletons): the results loops of this process and what Twitch said of
 * each channel's Helix bucket, the ends of runs it retries, the pushes of results after events,
 * the launch work it runs after answering, and the EventSub
 * registry with the handlers and subscription sources of each feature
 * (docs/eventsub.md). A feature that listens to more Twitch events
 * registers its handler (one per subscription type) and its source here.
 *
 * In the web process three loops run from ready() to shutdown(): the watcher
 * that gives each running poll a results poller and closes runs a crash left
 * half-way (docs/live-results.md), the reconciler that keeps the EventSub
 * subscriptions in step at boot and every few minutes (docs/eventsub.md),
 * and the watch that checks with Twitch, while chat votes run, that their
 * chat still arrives (docs/chat-voting.md).
 */
export default class LiveResultsProvider {
  #started = false

  constructor(protected app: ApplicationService) {}

  async register() {
    const { EventSubRegistry } = await import('#services/eventsub/eventsub_registry')
    const { ResultsPush } = await import('#services/polls/results_push')
    const { PollerLoops } = await import('#services/polls/poller_loops')
    const { HelixRateBook } = await import('#services/polls/helix_rate_book')
    const { EventSubBackground } = await import('#services/eventsub/eventsub_background')
    const { EndRetries } = await import('#services/polls/end_retries')
    const { LaunchWork } = await import('#services/polls/launch_work')
    this.app.container.singleton(EndRetries, () => new EndRetries())
    this.app.container.singleton(LaunchWork, () => new LaunchWork())
    const { PollRunWatcher } = await import('#services/polls/poll_run_watcher')
    const { SubscriptionReconciler } = await import('#services/eventsub/subscription_reconciler')
    const { ChatSubscriptionWatch } = await import('#services/chat_votes/chat_subscription_watch')
    this.app.container.singleton(EventSubRegistry, () => new EventSubRegistry())
    this.app.container.singleton(EventSubBackground, () => new EventSubBackground())
    this.app.container.singleton(ResultsPush, (resolver) => buildInjected(resolver, ResultsPush))
    this.app.container.singleton(PollerLoops, () => new PollerLoops())
    this.app.container.singleton(HelixRateBook, () => new HelixRateBook())
    this.app.container.singleton(PollRunWatcher, (resolver) =>
      buildInjected(resolver, PollRunWatcher)
    )
    this.app.container.singleton(SubscriptionReconciler, (resolver) =>
      buildInjected(resolver, SubscriptionReconciler)
    )
    this.app.container.singleton(ChatSubscriptionWatch, (resolver) =>
      buildInjected(resolver, ChatSubscriptionWatch)
    )
  }

  async boot() {
    const container = this.app.container
    const { EventSubRegistry } = await import('#services/eventsub/eventsub_registry')
    const registry = await container.make(EventSubRegistry)
    const shapes = await import('#validators/eventsub')

    // Twitch polls: votes and ends arrive by event.
    const { PollEventsHandler } = await import('#services/eventsub/poll_events_handler')
    const { PollSubscriptionSource, POLL_EVENT_TYPES } =
      await import('#services/eventsub/poll_subscription_source')
    for (const type of POLL_EVENT_TYPES) {
      registry.handle(type, '1', shapes.pollEventShape, () => container.make(PollEventsHandler))
    }
    registry.addSource(() => container.make(PollSubscriptionSource))

    // Chat voting: messages in the chats of channels voting there (docs/chat-voting.md).
    const { ChatMessageHandler } = await import('#services/chat_votes/chat_message_handler')
    const { ChatSubscriptionSource, CHAT_MESSAGE_TYPE } =
      await import('#services/chat_votes/chat_subscription_source')
    const { ChatSubscriptionWatch } = await import('#services/chat_votes/chat_subscription_watch')
    registry.handle(CHAT_MESSAGE_TYPE, '1', shapes.chatMessageShape, () =>
      container.make(ChatMessageHandler)
    )
    registry.addSource(() => container.make(ChatSubscriptionSource))
    // A chat subscription verified or revoked: the GM's page follows at once.
    registry.listen(CHAT_MESSAGE_TYPE, () => container.make(ChatSubscriptionWatch))

    // Someone disconnected Chorus on Twitch.
    const { AuthorizationRevokeHandler } =
      await import('#services/eventsub/authorization_revoke_handler')
    const { AppSubscriptionSource } = await import('#services/eventsub/app_subscription_source')
    registry.handle('user.authorization.revoke', '1', shapes.authorizationRevokeShape, () =>
      container.make(AuthorizationRevokeHandler)
    )
    registry.addSource(() => container.make(AppSubscriptionSource))
  }

  /** Started once the app is ready, so that a warm-up boot never calls Twitch. */
  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    for (const loop of await this.#loops()) loop.start()
    this.#started = true
  }

  async shutdown() {
    // Launches this process answered first finish (or are undone) before it
    // goes, and before the loops stop: a launch's last step starts its poller.
    const { LaunchWork } = await import('#services/polls/launch_work')
    const launches = await this.app.container.make(LaunchWork)
    await launches.settle()
    if (this.#started) {
      const loops = await this.#loops()
      for (const loop of loops.reverse()) await loop.stop()
    }
    const { ResultsPush } = await import('#services/polls/results_push')
    const { EventSubBackground } = await import('#services/eventsub/eventsub_background')
    const background = await this.app.container.make(EventSubBackground)
    await background.settle()
    const push = await this.app.container.make(ResultsPush)
    await push.flush()
    // Ends this process was still retrying: their leases go back, another instance carries on.
    const { EndRetries } = await import('#services/polls/end_retries')
    const retries = await this.app.container.make(EndRetries)
    await retries.stopAll()
  }

  /** Started in this order, stopped in the reverse one. */
  async #loops() {
    const { PollRunWatcher } = await import('#services/polls/poll_run_watcher')
    const { SubscriptionReconciler } = await import('#services/eventsub/subscription_reconciler')
    const { ChatSubscriptionWatch } = await import('#services/chat_votes/chat_subscription_watch')
    return Promise.all([
      this.app.container.make(PollRunWatcher),
      this.app.container.make(SubscriptionReconciler),
      this.app.container.make(ChatSubscriptionWatch),
    ])
  }
}
