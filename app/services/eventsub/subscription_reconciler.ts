import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import { mapWithConcurrency } from '#services/concurrency'
import { Clock } from '#services/clock'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import {
  EventSubRegistry,
  type EventSubSubscriptionSource,
  type WantedSubscription,
} from '#services/eventsub/eventsub_registry'
import { SubscriptionStore, broadcasterOf } from '#services/eventsub/subscription_store'
import { LIVE_STATUSES, RECREATABLE_STATUSES } from '#services/eventsub/subscription_statuses'
import {
  TwitchEventSubClient,
  type TwitchEventSubSubscription,
} from '#services/twitch/twitch_eventsub_client'
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
 * and of a type a source owns are touched.
 *
 * The whole pass runs once across instances (a Redis lock taken without
 * waiting: an instance that finds it held skips its turn). A streamer's own
 * pass (a grant, an authorization ended) takes no lock: it touches that
 * streamer's subscriptions only, and a creation the whole pass made first is
 * refused by Twitch (409) and skipped; what it creates while a whole pass
 * runs is not forgotten by that pass (its listing was read before).
 */
@inject()
export class SubscriptionReconciler {
  #timer: NodeJS.Timeout | null = null
  #running: Promise<unknown> | null = null

  constructor(
    private settings: EventSubSettings,
    private registry: EventSubRegistry,
    private client: TwitchEventSubClient,
    private store: SubscriptionStore,
    private clock: Clock
  ) {}

  /** At boot and every `reconcileIntervalMs` (the web process). */
  start() {
    if (!this.settings.enabled || this.#timer) return
    this.reconcileSoon()
    this.#timer = setInterval(() => this.reconcileSoon(), this.settings.reconcileIntervalMs)
    this.#timer.unref()
  }

  async stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#running
  }

  /** A pass in the background; errors are logged. */
  reconcileSoon() {
    const pass = this.reconcile()
      .catch((error: unknown) => {
        logger.error({ error: errorMessage(error) }, '[EventSub] reconciliation failed')
      })
      .finally(() => {
        if (this.#running === pass) this.#running = null
      })
    this.#running = pass
  }

  /** The whole pass; null when EventSub is off or another instance is at it. */
  async reconcile(): Promise<ReconcileReport | null> {
    if (!this.settings.enabled) return null
    const passLock = lock.createLock(LOCK_KEY, this.settings.reconcileLockTtlMs)
    if (!(await passLock.acquireImmediately())) return null
    try {
      const { owned, wanted } = await this.#wanted((source) => source.wanted())
      const listedAt = this.clock.now()
      const all = await this.client.list()
      const listed = all.filter(
        (subscription) => subscription.callback === this.settings.callbackUrl
      )
      const { report, kept, created } = await this.#converge(wanted, listed, owned)
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
      const theirs = await this.client.list({ userId: twitchUserId })
      const listed = theirs.filter(
        (subscription) =>
          subscription.callback === this.settings.callbackUrl &&
          broadcasterOf(subscription.condition) === twitchUserId
      )
      const { report, kept, deleted } = await this.#converge(wanted, listed, owned)
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
    owned: Set<string>
  ) {
    const wantedKeys = new Set(wanted.map(keyOf))
    const kept = new Map<string, TwitchEventSubSubscription>()
    const blocked = new Set<string>()
    const toDelete: TwitchEventSubSubscription[] = []
    const tombstones: TwitchEventSubSubscription[] = []

    for (const subscription of listed) {
      if (!owned.has(subscription.type)) continue
      const key = keyOf(subscription)
      if (!wantedKeys.has(key)) {
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
            callback: this.settings.callbackUrl,
            secret: this.settings.secret,
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

    // Creations first with "keep status": their verification may already
    // have marked them enabled.
    await this.store.record(created, { keepStatus: true })
    const report: ReconcileReport = {
      kept: kept.size + tombstones.length,
      created: created.length,
      deleted: deleted.length,
      failed,
    }
    return { report, kept: [...kept.values(), ...tombstones], created, deleted }
  }
}

function keyOf(subscription: { type: string; version: string; condition: Record<string, string> }) {
  const condition = Object.keys(subscription.condition)
    .sort()
    .map((name) => `${name}=${subscription.condition[name]}`)
    .join('&')
  return `${subscription.type}@${subscription.version}?${condition}`
}
