import { test } from '@japa/runner'
import { CHAT_SCOPES, expectedSignature, subscribe } from './eventsub_helpers.js'
import {
  ARIA,
  BRAM,
  CLIENT,
  jsonOf,
  newEmulator,
  postJson,
  refreshGrant,
  statusOf,
  validateToken,
} from './helpers.js'
import { WebhookReceiver } from './webhook_receiver.js'

const OTHER_CLIENT = { clientId: 'other-client', clientSecret: 'other-secret' }

test.group('Twitch emulator | a user disconnects the app', (group) => {
  const emulator = newEmulator({ tickMs: 0, clients: [CLIENT, OTHER_CLIENT] })
  const receiver = new WebhookReceiver()

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
  })

  test('tokens die, user.authorization.revoke arrives, dependent subscriptions are revoked', async ({
    assert,
  }) => {
    const aria = emulator.state.issueTokens(ARIA, CHAT_SCOPES)
    const bram = emulator.state.issueTokens(BRAM, CHAT_SCOPES)
    const otherClient = emulator.state.issueTokens(ARIA, CHAT_SCOPES, OTHER_CLIENT.clientId)
    const appToken = emulator.state.issueAppToken().accessToken
    const revokeSub = await subscribe(
      emulator,
      appToken,
      'user.authorization.revoke',
      { client_id: CLIENT.clientId },
      receiver.callback
    )
    const ariaPoll = await subscribe(
      emulator,
      appToken,
      'channel.poll.end',
      { broadcaster_user_id: ARIA },
      receiver.callback
    )
    const ariaChat = await subscribe(
      emulator,
      appToken,
      'channel.chat.message',
      { broadcaster_user_id: ARIA, user_id: ARIA },
      receiver.callback
    )
    const bramPoll = await subscribe(
      emulator,
      appToken,
      'channel.poll.end',
      { broadcaster_user_id: BRAM },
      receiver.callback
    )
    receiver.messages = []

    const response = await postJson(`${emulator.url}/_emulator/users/${ARIA}/disconnect`, {})
    const outcome = await jsonOf(response)
    assert.equal(response.status, 200)
    assert.deepEqual(outcome, {
      ok: true,
      tokensKilled: 2,
      subscriptionsRevoked: 2,
      notificationsQueued: 1,
    })
    await emulator.state.eventsub.idle()

    // Access and refresh tokens of this client are dead; the other client's are not.
    assert.equal(await statusOf(validateToken(emulator, aria.accessToken)), 401)
    assert.equal(await statusOf(refreshGrant(emulator, aria.refreshToken)), 400)
    assert.equal(await statusOf(validateToken(emulator, bram.accessToken)), 200)
    assert.equal(await statusOf(validateToken(emulator, otherClient.accessToken)), 200)

    const [notification] = receiver.events('user.authorization.revoke')
    assert.equal(notification.signature, expectedSignature(notification))
    assert.equal(notification.body.subscription.id, revokeSub.id)
    assert.deepEqual(notification.body.event, {
      client_id: CLIENT.clientId,
      user_id: ARIA,
      user_login: 'aria_plays',
      user_name: 'Aria_Plays',
    })

    const revocations = receiver.ofType('revocation')
    assert.sameMembers(
      revocations.map((message) => message.body.subscription.id),
      [ariaPoll.id, ariaChat.id]
    )
    revocations.forEach((message) =>
      assert.equal(message.body.subscription.status, 'authorization_revoked')
    )
    const statuses = Object.fromEntries(
      emulator.state.listSubscriptions().map((sub) => [sub.id, sub.status])
    )
    assert.deepEqual(statuses, {
      [revokeSub.id]: 'enabled',
      [ariaPoll.id]: 'authorization_revoked',
      [ariaChat.id]: 'authorization_revoked',
      [bramPoll.id]: 'enabled',
    })

    // The authorization is gone: a new subscription for Aria is refused until she grants again.
    const again = await fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${appToken}`,
        'Client-Id': CLIENT.clientId,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        type: 'channel.poll.begin',
        version: '1',
        condition: { broadcaster_user_id: ARIA },
        transport: { method: 'webhook', callback: receiver.callback, secret: 'another-secret-1' },
      }),
    })
    assert.equal(again.status, 403)
    await again.arrayBuffer()
    assert.deepEqual(emulator.state.tokens.grantedScopes(CLIENT.clientId, ARIA), [])
    assert.lengthOf(
      emulator.state.tokens.grantedScopes(OTHER_CLIENT.clientId, ARIA),
      CHAT_SCOPES.length
    )
  })

  test('unknown users and clients are refused', async ({ assert }) => {
    assert.equal(
      await statusOf(postJson(`${emulator.url}/_emulator/users/424242/disconnect`, {})),
      404
    )
    assert.equal(
      await statusOf(
        postJson(`${emulator.url}/_emulator/users/${ARIA}/disconnect`, { clientId: 'nope' })
      ),
      400
    )
  })

  test('a revoke subscription of another client hears nothing', async ({ assert }) => {
    emulator.state.issueTokens(ARIA, CHAT_SCOPES)
    const otherApp = emulator.state.issueAppToken(OTHER_CLIENT.clientId).accessToken
    const response = await fetch(`${emulator.helixUrl}/eventsub/subscriptions`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${otherApp}`,
        'Client-Id': OTHER_CLIENT.clientId,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        type: 'user.authorization.revoke',
        version: '1',
        condition: { client_id: OTHER_CLIENT.clientId },
        transport: { method: 'webhook', callback: receiver.callback, secret: 'other-secret-value' },
      }),
    })
    assert.equal(response.status, 202)
    await response.arrayBuffer()
    await emulator.state.eventsub.idle()
    receiver.messages = []

    const outcome = emulator.state.disconnectUser(ARIA)
    await emulator.state.eventsub.idle()
    assert.equal(outcome.notificationsQueued, 0)
    assert.lengthOf(receiver.messages, 0)
  })
})
