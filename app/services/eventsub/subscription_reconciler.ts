import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { mapWithConcurrency } from '#services/concurrency'
import { Clock } from '#services/clock'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import {
  EventSubRegistry,
  broadcasterOf,
  subscriptionKey as keyOf,
  type EventSubSubscriptionSource,
  type SubscriptionIdentity,
  type WantedSubscription,
} from '#services/eventsub/eventsub_registry'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { EventSubBackground } from '#services/eventsub/eventsub_background'
import { LIVE_STATUSES, RECREATABLE_STATUSES } from '#services/eventsub/subscription_statuses'
import {
  TwitchEventSubClient,
  type SubscriptionTransport,
  type TwitchEventSubSubscription,
} from '#services/twitch/twitch_eventsub_client'
import { DeliveryTransport, deliversThrough } from '#services/eventsub/delivery_transport'
import { TwitchError } from '#services/twitch/twitch_errors'
import { errorMessage } from '#services/error_message'

interface ReconcileReport {
  kept: number
  created: number
  deleted: number
  /** Creations Twitch refused or could not take (those channels are read from Helix). */
  failed: number
}

const LOCK_KEY = 'eventsub:reconcile'

/**
 * Makes Twitch's subscriptions what Chorus wants (docs/eventsub.md): lists
 * them, creates the missing ones, deletes those no longer wanted, and
 * replaces the ones Twitch revoked for a reason worth a retry (delivery
 * failures, a failed verification). Only subscriptions with our callback
 * or on our conduit, and of a type a source owns, are touched; those on the
 * transport not in use (webhook subscriptions left from before a switch to
 * the conduit, or the reverse) are replaced.
 *
 * The whole pass runs once across instances (a Redis lock taken without
 * waiting: an instance that finds it held skips its turn). A streamer's own
 * pass (a grant, an authorization ended) takes no lock: it touches that
 * streamer's subscriptions only, and a creation the whole pass made first is
 * refused by Twitch (409) and skipped; what it creates while a whole pass
 * runs is not forgotten by that pass (its listing was read before).
 *
 * The passes it starts in the background are tracked by the
 * `EventSubBackground` singleton, whichever instance started them (a
 * revocation's receiver, the periodic timer): `stop()` waits for every one.
 */
@inject()
export class SubscriptionReconciler {
  #timer: NodeJS.Timeout | null = null

  constructor(
    private settings: EventSubSettings,
    private registry: EventSubRegistry,
    private client: TwitchEventSubClient,
    private store: SubscriptionStore,
    private clock: Clock,
    private background: EventSubBackground,
    private transports: DeliveryTransport
  ) {}

  /** At boot and every `reconcileIntervalMs` (the web process). */
  start() {
    if (!this.settings.enabled || this.#timer) return
    this.reconcileSoon()
    this.#timer = setInterval(() => this.reconcileSoon(), this.settings.reconcileIntervalMs)
    this.#timer.unref()
  }

  /** No new periodic pass; resolves once every pass started in the background is over. */
  async stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.background.settle()
  }

  /** A pass in the background; errors are logged. */
  reconcileSoon() {
    this.background.run('reconciliation', () => this.reconcile())
  }

  /**
   * Twitch ended this subscription for a reason worth a new one: its
   * channel's subscriptions are made right now (the dead one deleted, a new
   * one created), in the background; an app-wide one through a whole pass.
   */
  replaceSoon(subscription: SubscriptionIdentity) {
    const channel = broadcasterOf(subscription.condition)
    this.background.run('replacing a revoked subscription', () =>
      channel === null ? this.reconcile() : this.reconcileStreamer(channel)
    )
  }

  /** The whole pass; null when EventSub is off or another instance is at it. */
  async reconcile(): Promise<ReconcileReport | null> {
    if (!this.settings.enabled) return null
    const passLock = lock.createLock(LOCK_KEY, this.settings.reconcileLockTtlMs)
    if (!(await passLock.acquireImmediately())) return null
    try {
      const { owned, wanted } = await this.#wanted((source) => source.wanted())
      const transport = await this.transports.current()
      const listedAt = this.clock.now()
      const all = await this.client.list()
      const listed = all.filter((subscription) => this.#isOurs(subscription, transport))
      const { report, kept, created } = await this.#converge(wanted, listed, owned, transport)
      const untouched = listed.filter((subscription) => !owned.has(subscription.type))
      await this.store.keepOnly(
        [...kept, ...created, ...untouched].map(({ id }) => id),
        listedAt
      )
      await this.store.record([...kept, ...untouched])
      logger.info(report, '[EventSub] subscriptions reconciled')
      return report
    } finally {
      await passLock.release().catch(() => {})
    }
  }

  /**
   * One streamer's subscriptions now: created after a grant, deleted once
   * their authorization is over. Never throws (the caller's action must not
   * fail because of Twitch's events: the channel is then read from Helix).
   */
  async reconcileStreamer(twitchUserId: string): Promise<ReconcileReport | null> {
    if (!this.settings.enabled) return null
    try {
      const { owned, wanted } = await this.#wanted((source) => source.wantedFor(twitchUserId))
      const transport = await this.transports.current()
      const theirs = await this.client.list({ userId: twitchUserId })
      const listed = theirs.filter(
        (subscription) =>
          this.#isOurs(subscription, transport) &&
          broadcasterOf(subscription.condition) === twitchUserId
      )
      const { report, kept, deleted } = await this.#converge(wanted, listed, owned, transport)
      await this.store.record(kept)
      await this.store.remove(deleted)
      return report
    } catch (error) {
      logger.warn(
        { twitchUserId, error: errorMessage(error) },
        '[EventSub] could not update a streamer’s subscriptions; its polls are read from Helix'
      )
      return null
    }
  }

  /** Ours: to our webhook callback (in either mode), or to our conduit. */
  #isOurs(subscription: TwitchEventSubSubscription, transport: SubscriptionTransport) {
    if (subscription.callback === this.settings.callbackUrl) return true
    return transport.method === 'conduit' && subscription.conduitId === transport.conduitId
  }

  /** What the sources want, and the types they own (the only ones touched). */
  async #wanted(wantedOf: (source: EventSubSubscriptionSource) => Promise<WantedSubscription[]>) {
    const sources = await this.registry.sources()
    const owned = new Set(sources.flatMap((source) => source.types))
    const wantedBySource = await Promise.all(sources.map(wantedOf))
    return { owned, wanted: wantedBySource.flat() }
  }

  async #converge(
    wanted: WantedSubscription[],
    listed: TwitchEventSubSubscription[],
    owned: Set<string>,
    transport: SubscriptionTransport
  ) {
    const wantedKeys = new Set(wanted.map(keyOf))
    const kept = new Map<string, TwitchEventSubSubscription>()
    const blocked = new Set<string>()
    const toDelete: TwitchEventSubSubscription[] = []
    const tombstones: TwitchEventSubSubscription[] = []

    for (const subscription of listed) {
      if (!owned.has(subscription.type)) continue
      const key = keyOf(subscription)
      const onTransport = deliversThrough(subscription, transport)
      if (!wantedKeys.has(key) || !onTransport) {
        // Not wanted, or left on the transport not in use: replaced below.
        toDelete.push(subscription)
      } else if (LIVE_STATUSES.includes(subscription.status) && !kept.has(key)) {
        kept.set(key, subscription)
      } else if (
        LIVE_STATUSES.includes(subscription.status) ||
        RECREATABLE_STATUSES.includes(subscription.status)
      ) {
        // A second copy, or revoked for a reason worth a new one.
        toDelete.push(subscription)
      } else {
        // Revoked because the access is gone (authorization revoked, user
        // removed…): a new one would be refused. It stays listed, so it is
        // not tried again, until it is no longer wanted.
        blocked.add(key)
        tombstones.push(subscription)
      }
    }

    const deleted: string[] = []
    await mapWithConcurrency(toDelete, this.settings.reconcileConcurrency, async (dead) => {
      try {
        await this.client.delete(dead.id)
        deleted.push(dead.id)
      } catch (error) {
        if (error instanceof TwitchError && error.status === 404) deleted.push(dead.id)
        else logger.warn({ id: dead.id, error: errorMessage(error) }, '[EventSub] delete failed')
      }
    })

    const missing = wanted.filter((want) => {
      const key = keyOf(want)
      return !kept.has(key) && !blocked.has(key)
    })
    const created: TwitchEventSubSubscription[] = []
    let failed = 0
    await mapWithConcurrency(missing, this.settings.reconcileConcurrency, async (want) => {
      try {
        created.push(
          await this.client.create({
            type: want.type,
            version: want.version,
            condition: want.condition,
            transport,
          })
        )
      } catch (error) {
        if (error instanceof TwitchError && error.status === 409) return
        failed++
        logger.warn(
          { type: want.type, channel: broadcasterOf(want.condition), error: errorMessage(error) },
          '[EventSub] could not subscribe; that channel is read from Helix'
        )
      }
    })

    // Their challenge may have been answered before the create call returned.
    await this.store.recordCreated(created)
    const report: ReconcileReport = {
      kept: kept.size + tombstones.length,
      created: created.length,
      deleted: deleted.length,
      failed,
    }
    return { report, kept: [...kept.values(), ...tombstones], created, deleted }
  }
}
