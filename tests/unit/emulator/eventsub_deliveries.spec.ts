import { test } from '@japa/runner'
import {
  expectedSignature,
  postSubscription,
  subscribe,
  subscriptionRequest,
} from './eventsub_helpers.js'
import type { SubscriptionBody, SubscriptionsAnswer } from './eventsub_helpers.js'
import { ARIA, jsonOf, manualClock, newEmulator, postJson, statusOf } from './helpers.js'
import { correctResponder, WebhookReceiver } from './webhook_receiver.js'

const START = Date.UTC(2026, 10, 30, 19, 0, 0)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface DeliveryBody {
  messageId: string
  messageType: string
  retry: number
  outcome: string
  status: number | null
  duplicate: boolean
}

test.group('Twitch emulator | EventSub deliveries', (group) => {
  const clock = manualClock(START)
  const emulator = newEmulator({ now: clock.now, tickMs: 0, eventsubRetryDelaysMs: [0, 0] })
  const receiver = new WebhookReceiver()
  let subscription: SubscriptionBody

  group.setup(async () => {
    await emulator.listen(0)
    await receiver.listen()
    return async () => {
      await emulator.close()
      await receiver.close()
    }
  })
  group.each.setup(async () => {
    clock.set(START)
    emulator.state.reset()
    emulator.state.setEventSubSettings({ retryDelaysMs: [0, 0], timeoutMs: 3000 })
    receiver.reset()
    emulator.state.issueTokens(ARIA, ['user:read:chat', 'user:bot', 'channel:bot'])
    const appToken = emulator.state.issueAppToken().accessToken
    subscription = await subscribe(
      emulator,
      appToken,
      'channel.chat.message',
      { broadcaster_user_id: ARIA, user_id: ARIA },
      receiver.callback
    )
    receiver.messages = []
  })

  /** Any event will do: a viewer's chat message is the simplest one to cause. */
  const causeEvent = (text = 'hello') =>
    emulator.state.postViewerMessage({ broadcasterId: ARIA, chatterLogin: 'some_viewer', text })

  const statusNow = () =>
    emulator.state.listSubscriptions().find((sub) => sub.id === subscription.id)?.status

  test('a notification is signed as Twitch signs it', async ({ assert }) => {
    clock.advance(1234)
    causeEvent('hello chat')
    await emulator.state.eventsub.idle()

    const [message] = receiver.messages
    assert.lengthOf(receiver.messages, 1)
    assert.equal(message.type, 'notification')
    assert.match(message.id, UUID)
    assert.equal(message.retry, '0')
    assert.match(message.timestamp, /^2026-11-30T19:00:01\.234\d{6}Z$/)
    assert.match(message.signature, /^sha256=[0-9a-f]{64}$/)
    assert.equal(message.signature, expectedSignature(message))
    assert.equal(message.headers['twitch-eventsub-subscription-type'], 'channel.chat.message')
    assert.equal(message.headers['twitch-eventsub-subscription-version'], '1')
    assert.equal(message.headers['content-type'], 'application/json')
    assert.containsSubset(message.body, {
      subscription: { id: subscription.id, status: 'enabled', type: 'channel.chat.message' },
      event: { broadcaster_user_id: ARIA, message: { text: 'hello chat' } },
    })
  })

  test('an event for a subscription still pending its challenge is not delivered', async ({
    assert,
  }) => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    receiver.respondWith((message) => ({ ...correctResponder(message), until: gate }))
    const created = await postSubscription(
      emulator,
      emulator.state.issueAppToken().accessToken,
      subscriptionRequest(
        'channel.chat.message',
        { broadcaster_user_id: ARIA, user_id: ARIA },
        `${receiver.url}/second`
      )
    )
    const { data } = await jsonOf<SubscriptionsAnswer>(created)
    await receiver.received(1) // the challenge is out, its answer held
    const pendingStatus = emulator.state.listSubscriptions().find((sub) => sub.id === data[0].id)
    assert.equal(pendingStatus?.status, 'webhook_callback_verification_pending')

    causeEvent('too early')
    release()
    await emulator.state.eventsub.idle()
    causeEvent('in time')
    await emulator.state.eventsub.idle()

    const onSecond = receiver.messages.filter(
      (message) => message.path === '/second' && message.type === 'notification'
    )
    assert.deepEqual(
      onSecond.map((message) => message.body.event.message.text),
      ['in time']
    )
  })

  test('a message not answered 2xx is redelivered with the same id', async ({ assert }) => {
    let calls = 0
    receiver.respondWith(() => (++calls === 1 ? { status: 500 } : { status: 204 }))
    causeEvent()
    await emulator.state.eventsub.idle()

    const [first, second] = receiver.messages
    assert.lengthOf(receiver.messages, 2)
    assert.equal(second.id, first.id)
    assert.deepEqual([first.retry, second.retry], ['0', '1'])
    assert.equal(second.rawBody, first.rawBody)
    assert.equal(second.signature, expectedSignature(second))
    assert.equal(statusNow(), 'enabled')

    const log = emulator.state.listDeliveries({ messageId: first.id })
    assert.deepEqual(
      log.map((entry) => [entry.retry, entry.outcome, entry.status]),
      [
        [0, 'failed', 500],
        [1, 'ok', 204],
      ]
    )
    assert.equal(emulator.state.stats().deliveries.redelivered, 1)
  })

  test('after every attempt failed the subscription is revoked and told so', async ({ assert }) => {
    receiver.respondWith(() => ({ status: 503 }))
    causeEvent()
    await emulator.state.eventsub.idle()

    const notifications = receiver.ofType('notification')
    assert.deepEqual(
      notifications.map((message) => message.retry),
      ['0', '1', '2']
    )
    assert.lengthOf(new Set(notifications.map((message) => message.id)), 1)
    assert.equal(statusNow(), 'notification_failures_exceeded')

    const [revocation] = receiver.ofType('revocation')
    assert.equal(revocation.signature, expectedSignature(revocation))
    assert.deepEqual(revocation.body.subscription.status, 'notification_failures_exceeded')
    assert.notProperty(revocation.body, 'event')

    receiver.respondWith(correctResponder)
    receiver.messages = []
    causeEvent('anyone there?')
    await emulator.state.eventsub.idle()
    assert.lengthOf(receiver.messages, 0)
  })

  test('a slow answer counts as none; redirects are not followed', async ({ assert }) => {
    emulator.state.setEventSubSettings({ timeoutMs: 50, retryDelaysMs: [0] })
    receiver.respondWith((message) =>
      message.path === '/elsewhere'
        ? { status: 204 }
        : message.retry === '0'
          ? { status: 204, delayMs: 300 }
          : { status: 307, headers: { Location: '/elsewhere' } }
    )
    causeEvent()
    await emulator.state.eventsub.idle()

    const log = emulator.state.listDeliveries({ messageType: 'notification' })
    assert.deepEqual(
      log.map((entry) => [entry.retry, entry.outcome, entry.status]),
      [
        [0, 'timeout', null],
        [1, 'failed', 307],
      ]
    )
    assert.isFalse(receiver.messages.some((message) => message.path === '/elsewhere'))
    assert.equal(statusNow(), 'notification_failures_exceeded')
  })

  test('dropped messages are never sent nor retried', async ({ assert }) => {
    emulator.state.setDeliveryFaults({ drop: 2 })
    causeEvent('lost 1')
    causeEvent('lost 2')
    causeEvent('arrives')
    await emulator.state.eventsub.idle()

    assert.deepEqual(
      receiver.messages.map((message) => message.body.event.message.text),
      ['arrives']
    )
    const log = emulator.state.listDeliveries({ messageType: 'notification' })
    assert.deepEqual(log.map((entry) => entry.outcome).sort(), ['dropped', 'dropped', 'ok'])
    assert.equal(emulator.state.eventsub.faults.settings.drop, 0)
    assert.equal(emulator.state.stats().deliveries.dropped, 2)
  })

  test('duplicated messages arrive twice with the same id', async ({ assert }) => {
    emulator.state.setDeliveryFaults({ duplicate: 1 })
    causeEvent('twice')
    causeEvent('once')
    await emulator.state.eventsub.idle()

    const twice = receiver.messages.filter((message) => message.body.event.message.text === 'twice')
    assert.lengthOf(twice, 2)
    assert.equal(twice[0].id, twice[1].id)
    assert.deepEqual(
      twice.map((message) => message.retry),
      ['0', '0']
    )
    twice.forEach((message) => assert.equal(message.signature, expectedSignature(message)))
    assert.lengthOf(
      receiver.messages.filter((message) => message.body.event.message.text === 'once'),
      1
    )
    assert.equal(emulator.state.stats().deliveries.duplicated, 1)
  })

  test('delayed deliveries wait before each send', async ({ assert }) => {
    emulator.state.setDeliveryFaults({ delayMs: 60 })
    const started = performance.now()
    causeEvent()
    assert.lengthOf(receiver.messages, 0)
    await emulator.state.eventsub.idle()
    assert.isAtLeast(performance.now() - started, 55)
    assert.lengthOf(receiver.messages, 1)
  })

  test('the control API drives the faults and lists deliveries', async ({ assert }) => {
    const control = `${emulator.url}/_emulator/eventsub`
    assert.equal(await statusOf(postJson(`${control}/faults`, { drop: 1, duplicate: 1 })), 200)
    assert.equal(await statusOf(postJson(`${control}/faults`, { drop: -1 })), 400)
    causeEvent('dropped')
    causeEvent('doubled')
    assert.equal(await statusOf(postJson(`${control}/idle`, {})), 200)

    const all = await jsonOf<{ data: DeliveryBody[] }>(fetch(`${control}/deliveries`))
    assert.deepEqual(
      all.data
        .filter((entry) => entry.messageType === 'notification')
        .map((entry) => entry.outcome),
      ['dropped', 'ok', 'ok']
    )
    const last = await jsonOf<{ data: DeliveryBody[] }>(
      fetch(`${control}/deliveries?messageType=notification&limit=1`)
    )
    assert.lengthOf(last.data, 1)
    assert.equal(await statusOf(fetch(`${control}/deliveries?messageType=mail`)), 400)

    const listed = await jsonOf<{ data: { id: string; clientId: string; status: string }[] }>(
      fetch(`${control}/subscriptions`)
    )
    assert.deepEqual(
      listed.data.map((sub) => [sub.id, sub.clientId, sub.status]),
      [[subscription.id, 'chorus-demo-client', 'enabled']]
    )
  })

  test('a subscription can be revoked by hand with a given status', async ({ assert }) => {
    const revokeUrl = `${emulator.url}/_emulator/eventsub/subscriptions/${subscription.id}/revoke`
    assert.equal(await statusOf(postJson(revokeUrl, { status: 'enabled' })), 400)
    assert.equal(
      await statusOf(
        postJson(`${emulator.url}/_emulator/eventsub/subscriptions/nope/revoke`, {
          status: 'user_removed',
        })
      ),
      404
    )
    assert.equal(await statusOf(postJson(revokeUrl, { status: 'user_removed' })), 200)
    await emulator.state.eventsub.idle()

    const [revocation] = receiver.ofType('revocation')
    assert.lengthOf(receiver.messages, 1)
    assert.equal(revocation.body.subscription.status, 'user_removed')
    assert.equal(revocation.signature, expectedSignature(revocation))
    assert.equal(statusNow(), 'user_removed')

    causeEvent()
    await emulator.state.eventsub.idle()
    assert.lengthOf(receiver.ofType('notification'), 0)
  })

  test('a silent revocation stops deliveries without telling the callback', async ({ assert }) => {
    const revokeUrl = `${emulator.url}/_emulator/eventsub/subscriptions/${subscription.id}/revoke`
    assert.equal(
      await statusOf(postJson(revokeUrl, { status: 'notification_failures_exceeded', notify: 1 })),
      400
    )
    causeEvent('before')
    await emulator.state.eventsub.idle()
    assert.lengthOf(receiver.ofType('notification'), 1)

    const answer = await jsonOf<{ data: { status: string } }>(
      postJson(revokeUrl, { status: 'notification_failures_exceeded', notify: false })
    )
    assert.equal(answer.data.status, 'notification_failures_exceeded')
    causeEvent('after')
    await emulator.state.eventsub.idle()

    // No revocation message, no more notifications; the listing tells the truth.
    assert.lengthOf(receiver.ofType('revocation'), 0)
    assert.lengthOf(receiver.ofType('notification'), 1)
    assert.equal(statusNow(), 'notification_failures_exceeded')
    const listed = await jsonOf<SubscriptionsAnswer>(
      fetch(`${emulator.url}/_emulator/eventsub/subscriptions`)
    )
    assert.equal(listed.data[0].status, 'notification_failures_exceeded')
  })

  test('verification challenges can be held back: the subscription stays pending meanwhile', async ({
    assert,
  }) => {
    const faultsUrl = `${emulator.url}/_emulator/eventsub/faults`
    assert.equal(await statusOf(postJson(faultsUrl, { verificationDelayMs: -1 })), 400)
    assert.equal(await statusOf(postJson(faultsUrl, { verificationDelayMs: 150 })), 200)
    const faults = await jsonOf<{ verificationDelayMs: number }>(fetch(faultsUrl))
    assert.equal(faults.verificationDelayMs, 150)

    emulator.state.issueTokens(ARIA, ['channel:read:polls'])
    const appToken = emulator.state.issueAppToken().accessToken
    const response = await postSubscription(
      emulator,
      appToken,
      subscriptionRequest('channel.poll.end', { broadcaster_user_id: ARIA }, receiver.callback)
    )
    assert.equal(response.status, 202)
    const answer = await jsonOf<SubscriptionsAnswer>(response)
    const created = answer.data[0]
    const status = () => emulator.state.listSubscriptions().find((sub) => sub.id === created.id)
    // Still pending and unasked a moment later; verified once the delay is over.
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(status()?.status, 'webhook_callback_verification_pending')
    assert.lengthOf(receiver.ofType('webhook_callback_verification'), 0)
    await emulator.state.eventsub.idle()
    assert.equal(status()?.status, 'enabled')
    assert.lengthOf(receiver.ofType('webhook_callback_verification'), 1)
  })

  test('at most 64 messages are in flight at once; the rest wait their turn', async ({
    assert,
  }) => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    receiver.respondWith(() => ({ status: 204, until: gate }))
    for (let index = 0; index < 100; index++) {
      causeEvent(`message ${index}`)
    }
    await receiver.received(64)
    // A negative can only be observed by waiting a little: nothing more may arrive.
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.lengthOf(receiver.messages, 64)

    release()
    await emulator.state.eventsub.idle()
    assert.lengthOf(receiver.messages, 100)
    assert.equal(emulator.state.stats().deliveries.failed, 0)
  })

  test('reset abandons a redelivery that is waiting', async ({ assert }) => {
    emulator.state.setEventSubSettings({ retryDelaysMs: [60_000] })
    receiver.respondWith(() => ({ status: 500 }))
    causeEvent()
    await receiver.received(1)
    emulator.state.reset()
    await emulator.state.eventsub.idle()
    assert.lengthOf(receiver.messages, 1)
    assert.equal(emulator.state.eventsub.pendingDeliveries, 0)
  })
})
