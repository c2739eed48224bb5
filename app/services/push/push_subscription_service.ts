import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { Clock } from '#services/clock'
import { PushSettings } from '#services/push/push_settings'
import { PushEndpointGuard } from '#services/push/push_endpoint_guard'

/** The browser's `PushSubscription.toJSON()`, validated. */
interface SubscriptionInput {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

const MAX_USER_AGENT_LENGTH = 512

/**
 * Stores and removes the browsers' push subscriptions of signed-in users.
 */
@inject()
export class PushSubscriptionService {
  constructor(
    private guard: PushEndpointGuard,
    private settings: PushSettings,
    private clock: Clock
  ) {}

  /**
   * Saves the subscription for `userId` (throws `PushEndpointRefused` for an
   * endpoint the server must not send to). An endpoint is one browser's
   * push channel and only that browser knows it: when it comes back under
   * another account (someone else signed in on that browser), it moves to
   * the account signed in now, so the previous account's notifications stop
   * appearing there. Resolves with `created` false when it already existed.
   */
  async subscribe(userId: number, input: SubscriptionInput, userAgent: string | null) {
    await this.guard.check(input.endpoint)
    const now = this.clock.now().toJSDate()

    // Lucid's insert builder has no ON CONFLICT: knex's does (one atomic upsert).
    const [row]: { id: number; created_at: Date }[] = await db
      .knexQuery()
      .table('push_subscriptions')
      .insert({
        user_id: userId,
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        user_agent: userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict('endpoint')
      .merge(['user_id', 'p256dh', 'auth', 'user_agent', 'updated_at'])
      .returning(['id', 'created_at'])

    await this.#keepNewest(userId)
    return { id: row.id, created: row.created_at.getTime() === now.getTime() }
  }

  /**
   * Removes one of the user's own subscriptions; false when the user has no
   * subscription with that endpoint (another user's is left alone).
   */
  async unsubscribe(userId: number, endpoint: string): Promise<boolean> {
    const deleted = await db
      .from('push_subscriptions')
      .where('user_id', userId)
      .where('endpoint', endpoint)
      .delete()
    return Number(deleted) > 0
  }

  /** Drops the user's least recently refreshed subscriptions beyond the limit. */
  async #keepNewest(userId: number) {
    await db
      .from('push_subscriptions')
      .where('user_id', userId)
      .whereNotIn(
        'id',
        db
          .from('push_subscriptions')
          .where('user_id', userId)
          .orderBy('updated_at', 'desc')
          .orderBy('id', 'desc')
          .limit(this.settings.maxSubscriptionsPerUser)
          .select('id')
      )
      .delete()
  }
}
