import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { Clock } from '#services/clock'
import { broadcasterOf } from '#services/eventsub/eventsub_registry'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'

interface StoredSubscription {
  id: string
  type: string
  version: string
  status: string
  condition: Record<string, string>
}

/** The poll event types a channel needs enabled to be live by event. */
const POLL_RESULT_TYPES = ['channel.poll.progress', 'channel.poll.end'] as const

/**
 * Chorus's copy of its EventSub subscriptions (`eventsub_subscriptions`),
 * so any instance knows which channels report by event without asking
 * Twitch. Twitch's listing, read at every reconciliation, is the truth.
 *
 * Rows come only from Twitch's answers to our create calls and from its
 * listings: a verification or a revocation updates a row Chorus already has,
 * never adds one (a forged or foreign subscription id is not recorded).
 */
@inject()
export class SubscriptionStore {
  constructor(
    private clock: Clock,
    private settings: EventSubSettings
  ) {}

  static verifiedKey(subscriptionId: string) {
    return `eventsub:verified:${subscriptionId}`
  }

  /**
   * The subscriptions Twitch's create calls answered. A challenge may have
   * been answered before the create call returned: its mark (see
   * `verified`) turns the new row enabled at once.
   */
  async recordCreated(subscriptions: StoredSubscription[]) {
    if (subscriptions.length === 0) return
    await this.record(subscriptions, { keepStatus: true })
    const marks = await redis.mget(
      ...subscriptions.map((subscription) => SubscriptionStore.verifiedKey(subscription.id))
    )
    const verified = subscriptions.filter((_subscription, index) => marks[index] !== null)
    await this.#enable(verified.map(({ id }) => id))
  }

  /**
   * Twitch is about to enable this subscription (its challenge is being
   * answered): the row becomes enabled if Chorus has it, and a short mark
   * lets the create call's answer, if it is still on its way, do the same.
   */
  async verified(subscriptionId: string) {
    await redis.set(
      SubscriptionStore.verifiedKey(subscriptionId),
      '1',
      'EX',
      this.settings.verifiedMarkTtlSeconds
    )
    await this.#enable([subscriptionId])
  }

  /** Twitch's new status for a subscription Chorus has (a revocation); others are ignored. */
  async updateStatus(subscriptionId: string, status: string) {
    await db
      .from('eventsub_subscriptions')
      .where('twitch_subscription_id', subscriptionId)
      .update({ status, updated_at: this.clock.now().toJSDate() })
  }

  /**
   * What Twitch lists of one type for these channels replaces what Chorus
   * had: rows of those channels Twitch no longer lists are forgotten, of
   * those recorded before `listedAt` (one created after the listing was
   * read is not in it, yet alive).
   */
  async syncChannels(
    type: string,
    twitchUserIds: string[],
    listed: StoredSubscription[],
    listedAt: DateTime
  ) {
    if (twitchUserIds.length === 0) return
    await this.record(listed)
    const stale = db
      .from('eventsub_subscriptions')
      .where('type', type)
      .whereIn('broadcaster_user_id', twitchUserIds)
      .where('created_at', '<', listedAt.toJSDate())
    const ids = listed.map(({ id }) => id)
    await (ids.length ? stale.whereNotIn('twitch_subscription_id', ids) : stale).delete()
  }

  async #enable(ids: string[]) {
    if (ids.length === 0) return
    await db
      .from('eventsub_subscriptions')
      .whereIn('twitch_subscription_id', ids)
      .where('status', 'webhook_callback_verification_pending')
      .update({ status: 'enabled', updated_at: this.clock.now().toJSDate() })
  }

  /**
   * Writes what Twitch said of these subscriptions. `keepStatus`: a row
   * already there keeps its status (a creation's "pending" answer must not
   * undo the "enabled" its verification, which can arrive first, wrote).
   */
  async record(subscriptions: StoredSubscription[], options: { keepStatus?: boolean } = {}) {
    if (subscriptions.length === 0) return
    const now = this.clock.now().toJSDate()
    await db
      .table('eventsub_subscriptions')
      .multiInsert(
        subscriptions.map((subscription) => ({
          twitch_subscription_id: subscription.id,
          type: subscription.type,
          version: subscription.version,
          broadcaster_user_id: broadcasterOf(subscription.condition ?? {}),
          status: subscription.status,
          created_at: now,
          updated_at: now,
        }))
      )
      .onConflict('twitch_subscription_id')
      .merge(options.keepStatus ? ['updated_at'] : ['status', 'updated_at'])
  }

  async remove(ids: string[]) {
    if (ids.length === 0) return
    await db.from('eventsub_subscriptions').whereIn('twitch_subscription_id', ids).delete()
  }

  /**
   * Forgets every subscription but these (those Twitch no longer lists), of
   * those recorded by `listedAt`: one a streamer's own pass created after the
   * listing was read is not in it, yet alive.
   */
  async keepOnly(ids: string[], listedAt: DateTime) {
    const stale = db.from('eventsub_subscriptions').where('created_at', '<=', listedAt.toJSDate())
    await (ids.length ? stale.whereNotIn('twitch_subscription_id', ids) : stale).delete()
  }

  /** Is this channel's subscription of `type` enabled (verified by Twitch)? */
  async isEnabled(type: string, twitchUserId: string): Promise<boolean> {
    const row = await db
      .from('eventsub_subscriptions')
      .where('broadcaster_user_id', twitchUserId)
      .where('type', type)
      .where('status', 'enabled')
      .first()
    return Boolean(row)
  }

  /**
   * Of these channels, those whose poll progress and end subscriptions are
   * both enabled: their results arrive by event.
   */
  async liveByEvents(twitchUserIds: string[]): Promise<Set<string>> {
    if (twitchUserIds.length === 0) return new Set()
    const rows: { broadcaster_user_id: string }[] = await db
      .from('eventsub_subscriptions')
      .whereIn('broadcaster_user_id', twitchUserIds)
      .whereIn('type', [...POLL_RESULT_TYPES])
      .where('status', 'enabled')
      .groupBy('broadcaster_user_id')
      .havingRaw('count(distinct type) = ?', [POLL_RESULT_TYPES.length])
      .select('broadcaster_user_id')
    return new Set(rows.map((row) => row.broadcaster_user_id))
  }
}
