import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Twitch events over a conduit (docs/eventsub.md): the WebSocket session of
 * this web instance and the keeper of its shard, container singletons
 * started once the web process is ready (only with
 * TWITCH_EVENTSUB_TRANSPORT=conduit) and stopped at shutdown, which frees
 * the shard for another instance at once.
 */
export default class EventSubConduitProvider {
  #started = false

  constructor(protected app: ApplicationService) {}

  async register() {
    const { ShardKeeper } = await import('#services/eventsub/conduit/shard_keeper')
    const { EventSubSocket } = await import('#services/eventsub/conduit/eventsub_socket')
    const { ShardClaims } = await import('#services/eventsub/conduit/shard_claims')
    const { ConduitDirectory } = await import('#services/eventsub/conduit/conduit_directory')
    const { EventSubSettings } = await import('#services/eventsub/eventsub_settings')
    const { TwitchConduitClient } = await import('#services/twitch/twitch_conduit_client')
    const { EventSubReceiver } = await import('#services/eventsub/eventsub_receiver')
    const { Clock } = await import('#services/clock')
    this.app.container.singleton(ShardKeeper, async (resolver) => {
      return new ShardKeeper(
        await resolver.make(EventSubSettings),
        await resolver.make(ConduitDirectory),
        await resolver.make(TwitchConduitClient),
        new ShardClaims()
      )
    })
    this.app.container.singleton(EventSubSocket, async (resolver) => {
      return new EventSubSocket(
        await resolver.make(EventSubSettings),
        await resolver.make(ShardKeeper),
        await resolver.make(Clock),
        await resolver.make(EventSubReceiver)
      )
    })
  }

  async boot() {
    const { EventSubRegistry } = await import('#services/eventsub/eventsub_registry')
    const { ShardDisabledHandler, SHARD_DISABLED_TYPE } =
      await import('#services/eventsub/conduit/shard_disabled_handler')
    const registry = await this.app.container.make(EventSubRegistry)
    const { shardDisabledShape } = await import('#validators/eventsub')
    registry.handle(SHARD_DISABLED_TYPE, '1', shardDisabledShape, () =>
      this.app.container.make(ShardDisabledHandler)
    )
  }

  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    const { EventSubSettings } = await import('#services/eventsub/eventsub_settings')
    const settings = await this.app.container.make(EventSubSettings)
    if (!settings.usesConduit) return
    const { EventSubSocket } = await import('#services/eventsub/conduit/eventsub_socket')
    const socket = await this.app.container.make(EventSubSocket)
    socket.start()
    this.#started = true
  }

  async shutdown() {
    if (!this.#started) return
    const { EventSubSocket } = await import('#services/eventsub/conduit/eventsub_socket')
    const socket = await this.app.container.make(EventSubSocket)
    await socket.stop()
  }
}
