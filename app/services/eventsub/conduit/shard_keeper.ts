import { randomUUID } from 'node:crypto'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'
import { type EventSubSettings } from '#services/eventsub/eventsub_settings'
import { type ConduitDirectory } from '#services/eventsub/conduit/conduit_directory'
import { type ShardClaims } from '#services/eventsub/conduit/shard_claims'
import { chooseShard, rebalance } from '#services/eventsub/conduit/shard_plan'
import { type TwitchConduitClient } from '#services/twitch/twitch_conduit_client'
import { TwitchError } from '#services/twitch/twitch_errors'

/** Taken while shards are chosen, moved or the conduit resized: one instance at a time. */
const SHARDS_LOCK = 'eventsub:conduit:shards'

/**
 * This instance's shard of the conduit (docs/eventsub.md). A new WebSocket
 * session is put on the shard this instance owns, else on a free one, else
 * on a new one (the conduit grows). Ownership is a claim in Redis renewed
 * at every heartbeat; at each heartbeat the instance also moves down into a
 * hole a dead instance left and shrinks the conduit to the shards in use.
 * A container singleton of the web process.
 */
export class ShardKeeper {
  readonly instanceId = randomUUID()
  #conduitId: string | null = null
  #shardId: number | null = null
  #sessionId: string | null = null
  #timer: NodeJS.Timeout | null = null
  #beat: Promise<void> | null = null
  /** Heartbeats since Twitch was last asked about our shard. */
  #beatsSinceCheck = 0

  constructor(
    private settings: EventSubSettings,
    private directory: ConduitDirectory,
    private client: TwitchConduitClient,
    private claims: ShardClaims
  ) {}

  /** The shard this instance's session feeds, or null. */
  get shardId() {
    return this.#shardId
  }

  /** A new session (its welcome): put it on our shard now. Throws when Twitch refuses. */
  async attach(sessionId: string): Promise<number> {
    this.#sessionId = sessionId
    const shardId = await this.#assign(sessionId)
    this.#startHeartbeat()
    return shardId
  }

  /** The session is gone: the shard keeps its claim until the next session takes it. */
  detach() {
    this.#sessionId = null
  }

  /**
   * Twitch disabled a shard. The event reaches one live shard's instance,
   * not necessarily the owner: whoever hears it puts the owner's recorded
   * session back on the shard (Twitch refuses if that session is gone, and
   * then the owner's new session or the heartbeat takes care of it).
   */
  async shardDisabled(shardId: string, status: string) {
    logger.warn({ shardId, status }, '[EventSub] Twitch disabled a conduit shard')
    const conduitId = this.#conduitId ?? (await this.directory.conduitId())
    const session = await this.claims.sessionOf(conduitId, Number(shardId))
    if (session === null) return
    const refused = await this.client
      .assignSession(conduitId, shardId, session)
      .catch((error: unknown) => ({ message: errorMessage(error), code: 'call_failed' }))
    if (refused) {
      logger.warn({ shardId, error: refused.message }, '[EventSub] the shard stays disabled')
    } else {
      logger.info({ shardId }, '[EventSub] a disabled shard is back on its session')
    }
  }

  /** The heartbeat stops and the shard is freed for another instance at once. */
  async stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#beat
    if (this.#conduitId !== null && this.#shardId !== null) {
      await this.claims.release(this.#conduitId, this.#shardId, this.instanceId).catch(() => {})
    }
    this.#shardId = null
    this.#sessionId = null
  }

  async #assign(sessionId: string): Promise<number> {
    const conduitId = await this.directory.conduitId()
    const [acquired, shardId] = await lock.createLock(SHARDS_LOCK, 15_000).run(async () => {
      const count = await this.directory.shardCount()
      const owners = await this.claims.owners(conduitId, count)
      const plan = chooseShard(owners, this.instanceId)
      if (plan.grow) await this.directory.resize(count + 1)
      const ttl = this.settings.shardClaimTtlMs
      const held =
        owners[plan.shardId] === this.instanceId
          ? await this.claims.renew(conduitId, plan.shardId, this.instanceId, ttl)
          : await this.claims.claim(conduitId, plan.shardId, this.instanceId, ttl)
      if (!held) throw new Error(`shard ${plan.shardId} was taken meanwhile`)
      return plan.shardId
    })
    if (!acquired) throw new Error('the conduit’s shards are busy')
    await this.#putSession(conduitId, shardId, sessionId)
    this.#conduitId = conduitId
    this.#shardId = shardId
    logger.info({ shardId, conduitId }, '[EventSub] our WebSocket session feeds a conduit shard')
    return shardId
  }

  /** Update Conduit Shards for one shard, reading its own error. */
  async #putSession(conduitId: string, shardId: number, sessionId: string) {
    let refused
    try {
      refused = await this.client.assignSession(conduitId, String(shardId), sessionId)
    } catch (error) {
      // The conduit was deleted on Twitch: the next attempt finds or creates one.
      if (error instanceof TwitchError && error.status === 404) await this.directory.forget()
      await this.claims.release(conduitId, shardId, this.instanceId)
      throw error
    }
    if (refused) {
      await this.claims.release(conduitId, shardId, this.instanceId)
      throw new Error(`Twitch refused shard ${shardId}: ${refused.message} (${refused.code})`)
    }
    await this.claims.recordSession(conduitId, shardId, sessionId, this.settings.shardClaimTtlMs)
  }

  #startHeartbeat() {
    if (this.#timer) return
    this.#timer = setInterval(() => {
      if (this.#beat) return
      this.#beat = this.#heartbeat()
        .catch((error: unknown) => {
          logger.warn({ error: errorMessage(error) }, '[EventSub] shard heartbeat failed')
        })
        .finally(() => {
          this.#beat = null
        })
    }, this.settings.shardHeartbeatMs)
    this.#timer.unref()
  }

  async #heartbeat() {
    const conduitId = this.#conduitId
    const shardId = this.#shardId
    if (conduitId === null || shardId === null) return
    const renewed = await this.claims.renew(
      conduitId,
      shardId,
      this.instanceId,
      this.settings.shardClaimTtlMs
    )
    if (!renewed) {
      // Our claim lapsed (a long pause): take a shard again if our session lives.
      this.#shardId = null
      if (this.#sessionId !== null) await this.#assign(this.#sessionId)
      return
    }
    if (this.#sessionId !== null) {
      await this.claims.recordSession(
        conduitId,
        shardId,
        this.#sessionId,
        this.settings.shardClaimTtlMs
      )
    }
    await this.#rebalance(conduitId, shardId)
    await this.#checkShard()
  }

  /**
   * Every `shardCheckMs` (counted in heartbeats), one Get Conduit Shards:
   * a shard Twitch disabled while our session lives gets the session back.
   * Nobody else would notice on a lone instance: `conduit.shard.disabled`
   * goes to another enabled shard, and there is none.
   */
  async #checkShard() {
    const every = Math.max(
      1,
      Math.round(this.settings.shardCheckMs / this.settings.shardHeartbeatMs)
    )
    if (++this.#beatsSinceCheck < every) return
    this.#beatsSinceCheck = 0
    const conduitId = this.#conduitId
    const shardId = this.#shardId
    const session = this.#sessionId
    if (conduitId === null || shardId === null || session === null) return
    const status = await this.client.shardStatus(conduitId, String(shardId))
    if (status === 'enabled' || this.#sessionId !== session || this.#shardId !== shardId) return
    logger.warn({ shardId, status }, '[EventSub] our shard is not enabled on Twitch')
    await this.#putSession(conduitId, shardId, session)
    logger.info({ shardId }, '[EventSub] our session is back on its shard')
  }

  async #rebalance(conduitId: string, shardId: number) {
    const shardsLock = lock.createLock(SHARDS_LOCK, 15_000)
    if (!(await shardsLock.acquireImmediately())) return
    try {
      const count = await this.directory.shardCount()
      const owners = await this.claims.owners(conduitId, count)
      const plan = rebalance(owners, shardId)
      const ttl = this.settings.shardClaimTtlMs
      if (plan.moveTo !== null) {
        // The shrink below assumes the move: without it, nothing changes this turn.
        const session = this.#sessionId
        if (session === null) return
        if (!(await this.claims.claim(conduitId, plan.moveTo, this.instanceId, ttl))) return
        await this.#putSession(conduitId, plan.moveTo, session)
        await this.claims.release(conduitId, shardId, this.instanceId)
        this.#shardId = plan.moveTo
        logger.info(
          { from: shardId, to: plan.moveTo },
          '[EventSub] took over the shard of an instance gone'
        )
      }
      if (plan.shrinkTo !== null) {
        await this.directory.resize(plan.shrinkTo)
        logger.info(
          { shardCount: plan.shrinkTo },
          '[EventSub] conduit shrunk to the live instances'
        )
      }
    } finally {
      await shardsLock.release().catch(() => {})
    }
  }
}
