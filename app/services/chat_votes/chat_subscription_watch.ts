import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from '@adonisjs/core'
import lock from '@adonisjs/lock/services/main'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { broadcasterOf, type SubscriptionListener } from '#services/eventsub/eventsub_registry'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { EventSubBackground } from '#services/eventsub/eventsub_background'
import { SubscriptionStore } from '#services/eventsub/subscription_store'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { TwitchEventSubClient } from '#services/twitch/twitch_eventsub_client'
import { DeliveryTransport, deliversThrough } from '#services/eventsub/delivery_transport'
import { CHAT_MESSAGE_TYPE } from '#services/chat_votes/chat_subscription_source'
import { PollRunStore } from '#services/polls/poll_run_store'
import { ResultsPush } from '#services/polls/results_push'

interface ChatWatchReport {
  /** Chat channels of running runs. */
  watched: number
  /** Of those, the ones whose subscription Twitch does not list as enabled. */
  lost: number
  /** Runs whose page changed (a channel interrupted or back). */
  runsChanged: number
}

const LOCK_KEY = 'eventsub:chat-watch'

/**
 * Keeps the chat votes of running runs honest (docs/chat-voting.md). While
 * any chat vote runs, every `chatWatchIntervalMs` one instance (by lock)
 * reads Twitch's listing of chat subscriptions — one request for every
 * channel — and, for each chat channel of a running run:
 *  - not enabled on Twitch (revoked, failed, gone, or still pending):
 *    the channel's voting is shown "chat votes interrupted" to the GM and
 *    its subscription is made again at once;
 *  - enabled again: the interruption is cleared.
 * A verification or revocation of a chat subscription starts a pass at once
 * (it listens to the EventSub registry), so a revocation that does arrive
 * shows within a second.
 *
 * Its timer lives in the instance the web process starts (start/eventsub.ts);
 * passes run in the background through `EventSubBackground`, so stopping
 * waits for them.
 */
@inject()
export class ChatSubscriptionWatch implements SubscriptionListener {
  #timer: NodeJS.Timeout | null = null
  #soon = false

  constructor(
    private clock: Clock,
    private settings: EventSubSettings,
    private store: SubscriptionStore,
    private client: TwitchEventSubClient,
    private reconciler: SubscriptionReconciler,
    private runs: PollRunStore,
    private push: ResultsPush,
    private background: EventSubBackground,
    private transports: DeliveryTransport
  ) {}

  start() {
    if (!this.settings.enabled || this.#timer) return
    this.#timer = setInterval(() => this.checkSoon(0), this.settings.chatWatchIntervalMs)
    this.#timer.unref()
  }

  async stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.background.settle()
  }

  /** A chat subscription was verified or revoked: look again shortly. */
  changed() {
    this.checkSoon(200)
  }

  /** One pass after `delayMs`, in the background (calls meanwhile share it). */
  checkSoon(delayMs: number) {
    if (this.#soon) return
    this.#soon = true
    this.background.run('checking chat delivery', async () => {
      await sleep(delayMs)
      this.#soon = false
      await this.check()
    })
  }

  /** One pass; null when Twitch events are off, no chat vote runs, or another instance is at it. */
  async check(): Promise<ChatWatchReport | null> {
    if (!this.settings.enabled) return null
    const channels = await liveChatChannels()
    if (channels.length === 0) return null
    const passLock = lock.createLock(LOCK_KEY, this.settings.chatWatchIntervalMs)
    if (!(await passLock.acquireImmediately())) return null
    try {
      const listedAt = this.clock.now()
      const all = await this.client.list({ type: CHAT_MESSAGE_TYPE })
      const transport = await this.transports.current()
      const listed = all.filter((subscription) => deliversThrough(subscription, transport))
      const enabled = new Set(
        listed
          .filter((subscription) => subscription.status === 'enabled')
          .map((subscription) => broadcasterOf(subscription.condition))
      )
      const ids = [...new Set(channels)]
      // The table follows Twitch for these channels (launches read it first).
      await this.store.syncChannels(
        CHAT_MESSAGE_TYPE,
        ids,
        listed.filter((subscription) => ids.includes(broadcasterOf(subscription.condition)!)),
        listedAt
      )
      const lost = ids.filter((id) => !enabled.has(id))
      const back = ids.filter((id) => enabled.has(id))
      const changed = new Set([
        ...(await this.runs.setChatInterrupted(lost, true)),
        ...(await this.runs.setChatInterrupted(back, false)),
      ])
      for (const runId of changed) this.push.schedule(runId)
      if (lost.length > 0) {
        logger.warn(
          { channels: lost },
          '[Chat votes] chat messages stopped arriving: resubscribing'
        )
        // Each lost channel's subscription made again now (a pending one is kept).
        await mapWithConcurrency(lost, this.settings.reconcileConcurrency, (id) =>
          this.reconciler.reconcileStreamer(id)
        )
      }
      return { watched: ids.length, lost: lost.length, runsChanged: changed.size }
    } finally {
      await passLock.release().catch(() => {})
    }
  }
}

/** The Twitch user ids of the chat channels taking part in running runs. */
async function liveChatChannels(): Promise<string[]> {
  const rows: { twitch_user_id: string }[] = await db
    .from('poll_channels as c')
    .join('poll_runs as r', 'r.id', 'c.poll_run_id')
    .where('r.status', 'running')
    .where('c.voting', 'chat')
    .where('c.outcome', 'created')
    .select('c.twitch_user_id')
  return rows.map((row) => row.twitch_user_id)
}
