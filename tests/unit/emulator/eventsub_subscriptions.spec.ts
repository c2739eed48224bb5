import { test } from '@japa/runner'
import {
  deleteSubscription,
  expectedSignature,
  listSubscriptions,
  postSubscription,
  SECRET,
  subscribe,
  subscriptionRequest,
} from './eventsub_helpers.js'
import type { SubscriptionsAnswer } from './eventsub_helpers.js'
import {
  ARIA,
  BRAM,
  CLIENT,
  jsonOf,
  manualClock,
  messageOf,
  newEmulator,
  statusOf,
} from './helpers.js'
import { WebhookReceiver } from './webhook_receiver.js'

const OTHER_CLIENT = { clientId: 'other-client', clientSecret: 'other-secret' }

test.group('Twitch emulator | EventSub subscriptions', (group) => {
  const clock = manualClock(Date.UTC(2026, 10, 30, 19, 0, 0))
  const emulator = newEmulator({
    now: clock.now,
    tickMs: 0,
    clients: [CLIENT, OTHER_CLIENT],
    eventsubRetryDelaysMs: [],
  })
  const receiver = new WebhookReceiver()
  let appToken = ''

  group.setup(async () => {
    await emulator.listen(0)
    await receiver.listen()
    return async () => {
      await emulator.close()
      await receiver.close()
    }
  })
  group.each.setup(() => {
    emulator.state.reset()
    receiver.reset()
    appToken = emulator.state.issueAppToken().accessToken
    emulator.state.issueTokens(ARIA, ['channel:read:polls'])
  })

  const pollBegin = (broadcaster = ARIA, callback = receiver.callback) =>
    subscriptionRequest('channel.poll.begin', { broadcaster_user_id: broadcaster }, callback)

  test('creation answers 202 in Twitch shape, pending until the challenge', async ({ assert }) => {
    const response = await postSubscription(emulator, appToken, pollBegin())
    const body = await jsonOf<SubscriptionsAnswer>(response)

    assert.equal(response.status, 202)
    assert.lengthOf(body.data, 1)
    assert.containsSubset(body.data[0], {
      status: 'webhook_callback_verification_pending',
      type: 'channel.poll.begin',
      version: '1',
      condition: { broadcaster_user_id: ARIA },
      transport: { method: 'webhook', callback: receiver.callback },
      cost: 0,
    })
    assert.notProperty(body.data[0].transport, 'secret')
    assert.match(body.data[0].created_at, /^2026-11-30T19:00:00\.000\d{6}Z$/)
    assert.deepEqual([body.total, body.total_cost, body.max_total_cost], [1, 0, 10000])
  })

  test('the challenge round trip enables the subscription', async ({ assert }) => {
    const created = await subscribe(
      emulator,
      appToken,
      'channel.poll.begin',
      { broadcaster_user_id: ARIA },
      receiver.callback
    )
    assert.equal(created.status, 'enabled')

    const [challenge] = receiver.messages
    assert.lengthOf(receiver.messages, 1)
    assert.equal(challenge.type, 'webhook_callback_verification')
    assert.equal(challenge.retry, '0')
    assert.equal(challenge.headers['content-type'], 'application/json')
    assert.equal(challenge.headers['twitch-eventsub-subscription-type'], 'channel.poll.begin')
    assert.equal(challenge.headers['twitch-eventsub-subscription-version'], '1')
    assert.equal(challenge.signature, expectedSignature(challenge))
    assert.notEqual(challenge.signature, expectedSignature(challenge, 'another-secret-entirely'))
    assert.match(challenge.timestamp, /^2026-11-30T19:00:00\.\d{9}Z$/)
    assert.isString(challenge.body.challenge)
    assert.containsSubset(challenge.body.subscription, {
      id: created.id,
      status: 'webhook_callback_verification_pending',
      type: 'channel.poll.begin',
    })
    assert.notInclude(challenge.rawBody, SECRET)
  })

  test('a wrong answer to the challenge fails verification', async ({ assert }) => {
    const outcomes: string[] = []
    for (const answer of [
      { status: 200, body: 'not-the-challenge' },
      { status: 204 },
      { status: 500, body: 'x' },
    ]) {
      emulator.state.reset()
      emulator.state.issueTokens(ARIA, ['channel:read:polls'])
      const token = emulator.state.issueAppToken().accessToken
      receiver.respondWith(() => answer)
      const created = await subscribe(
        emulator,
        token,
        'channel.poll.begin',
        { broadcaster_user_id: ARIA },
        receiver.callback
      )
      outcomes.push(created.status)
    }
    assert.deepEqual(outcomes, Array(3).fill('webhook_callback_verification_failed'))
  })

  test('the challenge answered with extra whitespace is not the challenge', async ({ assert }) => {
    receiver.respondWith((message) => ({ status: 200, body: `${message.body.challenge}\n` }))
    const created = await subscribe(
      emulator,
      appToken,
      'channel.poll.begin',
      { broadcaster_user_id: ARIA },
      receiver.callback
    )
    assert.equal(created.status, 'webhook_callback_verification_failed')
  })

  test('409 for the same type, condition and callback; 429 past three alike', async ({
    assert,
  }) => {
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin())), 202)
    const again = await postSubscription(emulator, appToken, pollBegin())
    assert.equal(again.status, 409)
    assert.equal(await messageOf(again), 'subscription already exists')

    const elsewhere = (n: number) => pollBegin(ARIA, `${receiver.url}/other/${n}`)
    assert.equal(await statusOf(postSubscription(emulator, appToken, elsewhere(1))), 202)
    assert.equal(await statusOf(postSubscription(emulator, appToken, elsewhere(2))), 202)
    assert.equal(await statusOf(postSubscription(emulator, appToken, elsewhere(3))), 429)
    await emulator.state.eventsub.idle()
  })

  test('403 unless the broadcaster authorized this client with the needed scopes', async ({
    assert,
  }) => {
    const noGrant = await postSubscription(emulator, appToken, pollBegin(BRAM))
    assert.equal(noGrant.status, 403)
    assert.equal(await messageOf(noGrant), 'subscription missing proper authorization')

    emulator.state.issueTokens(BRAM, ['user:read:email'])
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin(BRAM))), 403)

    // A grant to another client does not count for this one.
    emulator.state.issueTokens(BRAM, ['channel:manage:polls'], OTHER_CLIENT.clientId)
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin(BRAM))), 403)

    emulator.state.issueTokens(BRAM, ['channel:manage:polls'])
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin(BRAM))), 202)

    const chat = (scopes: string[]) => {
      emulator.state.reset()
      emulator.state.issueTokens(ARIA, scopes)
      const token = emulator.state.issueAppToken().accessToken
      return statusOf(
        postSubscription(
          emulator,
          token,
          subscriptionRequest(
            'channel.chat.message',
            { broadcaster_user_id: ARIA, user_id: ARIA },
            receiver.callback
          )
        )
      )
    }
    assert.equal(await chat(['user:read:chat', 'user:bot']), 403)
    assert.equal(await chat(['user:read:chat', 'channel:bot']), 403)
    assert.equal(await chat(['user:read:chat', 'user:bot', 'channel:bot']), 202)
    await emulator.state.eventsub.idle()
  })

  test('400 on bad input', async ({ assert }) => {
    const bad = async (body: unknown) => {
      const response = await postSubscription(emulator, appToken, body)
      return `${response.status} ${await messageOf(response)}`
    }
    const withTransport = (transport: Record<string, unknown>) =>
      subscriptionRequest('channel.poll.begin', { broadcaster_user_id: ARIA }, receiver.callback, {
        transport: { method: 'webhook', callback: receiver.callback, secret: SECRET, ...transport },
      })

    assert.match(await bad(withTransport({ secret: 'x'.repeat(9) })), /^400 .*secret.*10 to 100/)
    assert.match(await bad(withTransport({ secret: 'x'.repeat(101) })), /^400 .*secret/)
    assert.match(
      await bad(withTransport({ callback: 'ftp://example.test/hook' })),
      /^400 .*callback/
    )
    assert.match(await bad(withTransport({ callback: 'not a url' })), /^400 .*callback/)
    assert.match(await bad(withTransport({ method: 'websocket' })), /^400 .*webhook/)
    assert.match(
      await bad({ ...pollBegin(), type: 'channel.follow' }),
      /^400 .*Unsupported subscription type/
    )
    assert.match(await bad({ ...pollBegin(), version: '2' }), /^400 .*Unsupported/)
    assert.match(await bad({ ...pollBegin(), condition: {} }), /^400 .*broadcaster_user_id/)
    assert.match(
      await bad({ ...pollBegin(), condition: { broadcaster_user_id: '999999' } }),
      /^400 .*unknown user/
    )
    assert.match(
      await bad(
        subscriptionRequest(
          'user.authorization.revoke',
          { client_id: OTHER_CLIENT.clientId },
          receiver.callback
        )
      ),
      /^400 .*client_id/
    )
    const malformed = await fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${appToken}`,
        'Client-Id': CLIENT.clientId,
        'Content-Type': 'application/json',
      },
      body: '{"type":',
    })
    assert.equal(malformed.status, 400)
    await malformed.arrayBuffer()
    assert.lengthOf(emulator.state.listSubscriptions(), 0)
  })

  test('needs an app access token whose client matches Client-Id', async ({ assert }) => {
    const userToken = emulator.state.issueTokens(ARIA, ['channel:read:polls']).accessToken
    assert.equal(await statusOf(postSubscription(emulator, userToken, pollBegin())), 401)

    const otherApp = emulator.state.issueAppToken(OTHER_CLIENT.clientId).accessToken
    assert.equal(await statusOf(postSubscription(emulator, otherApp, pollBegin())), 401)

    clock.advance(61 * 24 * 3600 * 1000) // app tokens live about two months
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin())), 401)
    clock.set(Date.UTC(2026, 10, 30, 19, 0, 0))
    assert.lengthOf(emulator.state.listSubscriptions(), 0)
  })

  test('user.authorization.revoke costs 1; authorized subscriptions cost 0', async ({ assert }) => {
    const revoke = await jsonOf<SubscriptionsAnswer>(
      postSubscription(
        emulator,
        appToken,
        subscriptionRequest(
          'user.authorization.revoke',
          { client_id: CLIENT.clientId },
          receiver.callback
        )
      )
    )
    assert.equal(revoke.data[0].cost, 1)
    assert.equal(revoke.total_cost, 1)
    const poll = await jsonOf<SubscriptionsAnswer>(
      postSubscription(emulator, appToken, pollBegin())
    )
    assert.equal(poll.data[0].cost, 0)
    assert.deepEqual([poll.total, poll.total_cost], [2, 1])
    await emulator.state.eventsub.idle()
  })

  test('listing: one filter at most, pages with a cursor, per client', async ({ assert }) => {
    emulator.state.setEventSubSettings({ pageSize: 2 })
    emulator.state.issueTokens(BRAM, ['channel:read:polls'])
    const types = ['channel.poll.begin', 'channel.poll.progress', 'channel.poll.end']
    for (const type of types) {
      for (const broadcaster of [ARIA, BRAM]) {
        await subscribe(
          emulator,
          appToken,
          type,
          { broadcaster_user_id: broadcaster },
          receiver.callback
        )
      }
    }
    receiver.respondWith(() => ({ status: 403 }))
    await subscribe(
      emulator,
      appToken,
      'channel.poll.begin',
      { broadcaster_user_id: ARIA },
      `${receiver.url}/broken`
    )

    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const query = cursor ? `?after=${encodeURIComponent(cursor)}` : ''
      const page = await jsonOf<SubscriptionsAnswer>(listSubscriptions(emulator, appToken, query))
      assert.isAtMost(page.data.length, 2)
      assert.equal(page.total, 7)
      seen.push(...page.data.map((sub) => sub.id))
      cursor = page.pagination?.cursor
      pages++
    } while (cursor)
    assert.equal(pages, 4)
    assert.deepEqual(
      seen,
      emulator.state.listSubscriptions().map((sub) => sub.id)
    )

    const byType = await jsonOf<SubscriptionsAnswer>(
      listSubscriptions(emulator, appToken, '?type=channel.poll.end')
    )
    assert.deepEqual(
      byType.data.map((sub) => sub.condition.broadcaster_user_id),
      [ARIA, BRAM]
    )

    const failed = await jsonOf<SubscriptionsAnswer>(
      listSubscriptions(emulator, appToken, '?status=webhook_callback_verification_failed')
    )
    assert.deepEqual(
      failed.data.map((sub) => sub.transport.callback),
      [`${receiver.url}/broken`]
    )

    emulator.state.setEventSubSettings({ pageSize: 100 })
    const byUser = await jsonOf<SubscriptionsAnswer>(
      listSubscriptions(emulator, appToken, `?user_id=${BRAM}`)
    )
    assert.lengthOf(byUser.data, 3)
    const one = await jsonOf<SubscriptionsAnswer>(
      listSubscriptions(emulator, appToken, `?subscription_id=${seen[0]}`)
    )
    assert.deepEqual(
      one.data.map((sub) => sub.id),
      [seen[0]]
    )

    assert.equal(
      await statusOf(listSubscriptions(emulator, appToken, '?type=x&status=enabled')),
      400
    )
    assert.equal(await statusOf(listSubscriptions(emulator, appToken, '?status=sleeping')), 400)
    assert.equal(await statusOf(listSubscriptions(emulator, appToken, '?after=garbage')), 400)

    const otherApp = emulator.state.issueAppToken(OTHER_CLIENT.clientId).accessToken
    const otherList = await fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
      headers: { 'Authorization': `Bearer ${otherApp}`, 'Client-Id': OTHER_CLIENT.clientId },
    })
    const otherAnswer = await jsonOf<SubscriptionsAnswer>(otherList)
    assert.deepEqual(otherAnswer.data, [])

    const userToken = emulator.state.issueTokens(ARIA).accessToken
    const asUser = await jsonOf<SubscriptionsAnswer>(listSubscriptions(emulator, userToken))
    assert.deepEqual(asUser.data, [])
  })

  test('deleting: 204, then 404; another client cannot delete it', async ({ assert }) => {
    const created = await subscribe(
      emulator,
      appToken,
      'channel.poll.begin',
      { broadcaster_user_id: ARIA },
      receiver.callback
    )
    const otherApp = emulator.state.issueAppToken(OTHER_CLIENT.clientId).accessToken
    const foreign = await fetch(`${emulator.helixUrl}/eventsub/subscriptions?id=${created.id}`, {
      method: 'DELETE',
      headers: { 'Authorization': `Bearer ${otherApp}`, 'Client-Id': OTHER_CLIENT.clientId },
    })
    assert.equal(foreign.status, 404)
    await foreign.arrayBuffer()

    assert.equal(await statusOf(deleteSubscription(emulator, appToken, created.id)), 204)
    assert.equal(await statusOf(deleteSubscription(emulator, appToken, created.id)), 404)
    assert.equal(await statusOf(deleteSubscription(emulator, appToken, '')), 400)
    assert.lengthOf(emulator.state.listSubscriptions(), 0)

    // The same subscription may be created again once the old one is gone.
    assert.equal(await statusOf(postSubscription(emulator, appToken, pollBegin())), 202)
    await emulator.state.eventsub.idle()
  })

  test('the calls are counted under eventsub.*', async ({ assert }) => {
    emulator.state.resetStats()
    await statusOf(postSubscription(emulator, appToken, pollBegin()))
    await statusOf(postSubscription(emulator, appToken, pollBegin()))
    await statusOf(listSubscriptions(emulator, appToken))
    await statusOf(deleteSubscription(emulator, appToken, 'nope'))
    await emulator.state.eventsub.idle()
    const { counts, failures, deliveries } = emulator.state.stats()
    assert.deepEqual(
      [counts['eventsub.create'], counts['eventsub.list'], counts['eventsub.delete']],
      [2, 1, 1]
    )
    assert.deepEqual([failures['eventsub.create'], failures['eventsub.delete']], [1, 1])
    assert.equal(deliveries.verification, 1)
  })
})
