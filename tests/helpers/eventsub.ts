import { createHmac, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import type { Group } from '@japa/runner/core'
import type { ApiClient } from '@japa/api-client'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import { appUrl } from '#config/app'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'
import { ResultsPush } from '#services/polls/results_push'
import { ChatSubscriptionWatch } from '#services/chat_votes/chat_subscription_watch'
import { EventSubBackground } from '#services/eventsub/eventsub_background'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { launchRun, preparedPoll } from '#tests/helpers/polls'
import { buildInjected } from '#providers/injected_singleton'

export const EVENTSUB_SECRET = 'chorus-test-eventsub-secret'
export const WEBHOOK_URL = `${appUrl}/webhooks/twitch/eventsub`

/**
 * EventSub on for each test of the group (after the emulator reset of
 * campaignTestSetup): the test server's webhook as callback, no message id
 * or app token left by an earlier test, short redelivery waits.
 */
export function eventsubTestSetup(group: Group, overrides: Partial<EventSubSettings> = {}) {
  group.each.setup(async () => {
    const settings = Object.assign(new EventSubSettings(), {
      secret: EVENTSUB_SECRET,
      callbackUrl: WEBHOOK_URL,
      ...overrides,
    })
    app.container.swap(EventSubSettings, () => settings)
    // The process's one reconciler, chat watch and results push (a
    // provider's singletons) hold the settings and clock they were built
    // with: the test gets its own, with these and the test's clock.
    const push = await buildInjected(app.container, ResultsPush)
    app.container.swap(ResultsPush, () => push)
    const reconciler = await buildInjected(app.container, SubscriptionReconciler)
    app.container.swap(SubscriptionReconciler, () => reconciler)
    const chatWatch = await buildInjected(app.container, ChatSubscriptionWatch)
    app.container.swap(ChatSubscriptionWatch, () => chatWatch)
    twitchEmulator.state.setEventSubSettings({ retryDelaysMs: [100, 100] })
    await clearEventSubKeys()
    return async () => {
      await chatWatch.stop()
      await reconciler.stop()
      await settleEventSub()
      await push.flush()
      app.container.restore(ResultsPush)
      app.container.restore(SubscriptionReconciler)
      app.container.restore(ChatSubscriptionWatch)
      app.container.restore(EventSubSettings)
    }
  })
}

/**
 * Every message the emulator has to send is answered, and everything the app
 * started in the background because of them (a replacement, a chat delivery
 * check) is over, with the messages that started in turn.
 */
export async function settleEventSub() {
  const background = await app.container.make(EventSubBackground)
  await twitchEmulator.state.eventsub.idle()
  await background.settle()
  await twitchEmulator.state.eventsub.idle()
}

export async function clearEventSubKeys() {
  const keys = [...(await redis.keys('eventsub:*')), ...(await redis.keys('twitch:app-token*'))]
  if (keys.length > 0) await redis.del(...keys)
}

/**
 * Subscribes as the running app would at boot (waiting for a pass started
 * in the background, e.g. by a revocation, to finish first), and waits for
 * every challenge.
 */
export async function reconcileSubscriptions() {
  const reconciler = await app.container.make(SubscriptionReconciler)
  const deadline = Date.now() + 5000
  let report = await reconciler.reconcile()
  while (report === null && Date.now() < deadline) {
    await sleep(20)
    report = await reconciler.reconcile()
  }
  await twitchEmulator.state.eventsub.idle()
  return report
}

/** Launches a poll over HTTP once the channels' subscriptions exist (as the running app keeps them). */
export async function launchWithEvents(client: ApiClient, gm: User, campaign: Campaign) {
  await reconcileSubscriptions()
  return launchRun(client, gm, campaign, await preparedPoll(campaign))
}

/** What the emulator sent of one subscription type: every copy, redeliveries and duplicates included. */
export function notificationsOf(subscriptionType: string) {
  return twitchEmulator.state
    .listDeliveries({ messageType: 'notification' })
    .filter((delivery) => delivery.subscriptionType === subscriptionType)
}

interface SigningOptions {
  secret?: string
  id?: string
  timestamp?: string
  type?: string
  subscriptionType?: string
}

/** A message signed as Twitch signs it (with `secret`), for hand-made deliveries. */
export function signedMessage(body: unknown, options: SigningOptions = {}) {
  return signedRawMessage(JSON.stringify(body), options)
}

/** The same for a body given as text, sent as is (broken JSON included). */
export function signedRawMessage(raw: string, options: SigningOptions = {}) {
  const id = options.id ?? randomUUID()
  const timestamp = options.timestamp ?? new Date().toISOString().replace('Z', '123456Z')
  const signature =
    'sha256=' +
    createHmac('sha256', options.secret ?? EVENTSUB_SECRET)
      .update(id + timestamp + raw)
      .digest('hex')
  return {
    raw,
    id,
    headers: {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': id,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': options.type ?? 'notification',
      'Twitch-Eventsub-Message-Signature': signature,
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Subscription-Type': options.subscriptionType ?? 'channel.poll.progress',
      'Twitch-Eventsub-Subscription-Version': '1',
    } as Record<string, string>,
  }
}

/** POSTs to the app's webhook over HTTP, as Twitch would. */
export async function postToWebhook(raw: string, headers: Record<string, string>) {
  const response = await fetch(WEBHOOK_URL, { method: 'POST', headers, body: raw })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

/** A `channel.poll.progress` body for a poll, with these votes per choice. */
export function pollProgressBody(broadcasterId: string, pollId: string, votes: number[]) {
  return {
    subscription: {
      id: randomUUID(),
      type: 'channel.poll.progress',
      version: '1',
      status: 'enabled',
      condition: { broadcaster_user_id: broadcasterId },
    },
    event: {
      id: pollId,
      broadcaster_user_id: broadcasterId,
      choices: votes.map((count, index) => ({
        id: `choice-${index}`,
        title: `Choice ${index}`,
        votes: count,
        channel_points_votes: 0,
        bits_votes: 0,
      })),
    },
  }
}

/** Only the status of the webhook's answer. */
export async function webhookStatus(raw: string, headers: Record<string, string>) {
  const answer = await postToWebhook(raw, headers)
  return answer.status
}
