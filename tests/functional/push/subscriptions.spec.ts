import { test } from '@japa/runner'
import PushSubscription from '#models/push_subscription'
import { UserFactory } from '#database/factories/user_factory'
import { HostResolver } from '#services/push/push_endpoint_guard'
import app from '@adonisjs/core/services/app'
import { PushReceiver } from '#tests/helpers/push_receiver'
import { testVapidKeys, usePushSettings, withPushReceiver } from '#tests/helpers/push_settings'

/** What each refused rule says (app/validators/push_subscription.ts). */
const REASONS: Record<string, RegExp> = {
  required: /^The [\w.]+ field is required$/,
  url: /^The endpoint must be an http\(s\) URL$/,
  base64url: /key must be base64url encoded$/,
  keyLength: /key must decode to \d+ bytes$/,
  p256Point: /key must be an uncompressed P-256 public key$/,
}

async function countSubscriptions() {
  const all = await PushSubscription.all()
  return all.length
}

/**
 * The web-push JSON API over HTTP: the VAPID key, subscribing and
 * unsubscribing for the signed-in user, validation, the address guard.
 */
test.group('Push subscriptions API', (group) => {
  const receiver = new PushReceiver()

  withPushReceiver(group, receiver)

  test('GET /push/vapid-public-key answers the public key', async ({ client }) => {
    const response = await client.get('/push/vapid-public-key')
    response.assertStatus(200)
    response.assertBody({ publicKey: testVapidKeys.publicKey })
  })

  test('GET /push/vapid-public-key answers 503 when no VAPID key is set', async ({ client }) => {
    usePushSettings({
      vapid: { publicKey: '', privateKey: '', subject: 'mailto:x@chorus.example' },
    })
    const response = await client.get('/push/vapid-public-key')
    response.assertStatus(503)
    response.assertBodyContains({
      errors: [{ message: 'Web push is not configured on this server' }],
    })
  })

  test('a signed-in user subscribes with PushSubscription.toJSON()', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()

    const response = await client
      .post('/push/subscriptions')
      .header('User-Agent', 'TestBrowser/1.0')
      .json(browser.toJSON())
      .loginAs(user)
      .withCsrfToken()

    response.assertStatus(201)
    response.assertBody({ subscribed: true })
    const stored = await PushSubscription.findByOrFail('endpoint', browser.endpoint)
    assert.equal(stored.userId, user.id)
    assert.equal(stored.p256dh, browser.toJSON().keys.p256dh)
    assert.equal(stored.auth, browser.toJSON().keys.auth)
    assert.equal(stored.userAgent, 'TestBrowser/1.0')
    assert.notProperty(stored.serialize(), 'p256dh')
    assert.notProperty(stored.serialize(), 'auth')
  })

  test('keys sent with base64 padding are stored without it', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()
    const { keys } = browser.toJSON()

    const response = await client
      .post('/push/subscriptions')
      .json({
        endpoint: browser.endpoint,
        keys: { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` },
      })
      .loginAs(user)
      .withCsrfToken()

    response.assertStatus(201)
    const stored = await PushSubscription.findByOrFail('endpoint', browser.endpoint)
    assert.equal(stored.p256dh, keys.p256dh)
    assert.equal(stored.auth, keys.auth)
  })

  test('subscribing again updates the keys in place', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(user).withCsrfToken()

    const renewed = { ...browser.toJSON(), keys: receiver.subscription().toJSON().keys }
    const response = await client
      .post('/push/subscriptions')
      .json(renewed)
      .loginAs(user)
      .withCsrfToken()

    response.assertStatus(200)
    const rows = await PushSubscription.query().where('endpoint', browser.endpoint)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].p256dh, renewed.keys.p256dh)
  })

  test('an endpoint subscribed under another account moves to the account signed in now', async ({
    client,
    assert,
  }) => {
    const [before, now] = await UserFactory.createMany(2)
    const browser = receiver.subscription()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(before).withCsrfToken()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(now).withCsrfToken()

    const rows = await PushSubscription.query().where('endpoint', browser.endpoint)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].userId, now.id)
  })

  test('a user keeps at most the configured number of subscriptions', async ({
    client,
    assert,
  }) => {
    usePushSettings({ maxSubscriptionsPerUser: 2 })
    const user = await UserFactory.create()
    const browsers = [
      receiver.subscription('a'),
      receiver.subscription('b'),
      receiver.subscription('c'),
    ]
    for (const browser of browsers) {
      await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(user).withCsrfToken()
    }

    const kept = await PushSubscription.query().where('user_id', user.id)
    const endpoints = kept.map((row) => row.endpoint)
    assert.sameMembers(endpoints, [browsers[1].endpoint, browsers[2].endpoint])
  })

  test('subscribing needs a signed-in user and the CSRF token', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()

    const anonymous = await client
      .post('/push/subscriptions')
      .accept('json')
      .json(browser.toJSON())
      .withCsrfToken()
    anonymous.assertStatus(401)

    // The push API answers in JSON only, a missing CSRF token too.
    const withoutToken = await client
      .post('/push/subscriptions')
      .accept('json')
      .json(browser.toJSON())
      .loginAs(user)
      .redirects(0)
    withoutToken.assertStatus(403)
    assert.isString(withoutToken.body().errors[0].message)

    assert.equal(await countSubscriptions(), 0)
  })

  test('malformed bodies get 422 with the field and the reason', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const good = receiver.subscription().toJSON()
    const cases: [string, unknown, string, string][] = [
      ['no body', {}, 'endpoint', 'required'],
      ['endpoint not a URL', { ...good, endpoint: 'not a url' }, 'endpoint', 'url'],
      ['endpoint ftp', { ...good, endpoint: 'ftp://push.example.com/x' }, 'endpoint', 'url'],
      ['no keys', { endpoint: good.endpoint }, 'keys', 'required'],
      [
        'p256dh not base64url',
        { ...good, keys: { ...good.keys, p256dh: 'not/base64+' } },
        'keys.p256dh',
        'base64url',
      ],
      [
        'p256dh too short',
        { ...good, keys: { ...good.keys, p256dh: Buffer.alloc(33, 4).toString('base64url') } },
        'keys.p256dh',
        'keyLength',
      ],
      [
        'p256dh not a curve point',
        {
          ...good,
          keys: {
            ...good.keys,
            p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'),
          },
        },
        'keys.p256dh',
        'p256Point',
      ],
      [
        'auth of 12 bytes',
        { ...good, keys: { ...good.keys, auth: Buffer.alloc(12).toString('base64url') } },
        'keys.auth',
        'keyLength',
      ],
      ['auth missing', { ...good, keys: { p256dh: good.keys.p256dh } }, 'keys.auth', 'required'],
    ]

    for (const [label, body, field, rule] of cases) {
      const response = await client
        .post('/push/subscriptions')
        .json(body as object)
        .loginAs(user)
        .withCsrfToken()
      assert.equal(response.status(), 422, label)
      const errors = response.body().errors as { field: string; message: string }[]
      const error = errors.find((entry) => entry.field === field)
      assert.exists(error, `${label}: an error for ${field}`)
      assert.match(error!.message, REASONS[rule], label)
    }
    assert.equal(await countSubscriptions(), 0)
  })

  test('an http://127.0.0.1 endpoint is refused when private endpoints are not allowed', async ({
    client,
    assert,
  }) => {
    usePushSettings({ allowPrivateEndpoints: false })
    const user = await UserFactory.create()

    const response = await client
      .post('/push/subscriptions')
      .json(receiver.subscription().toJSON())
      .loginAs(user)
      .withCsrfToken()

    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'endpoint' }] })
    assert.match(response.body().errors[0].message, /endpoint/i)
    assert.equal(await countSubscriptions(), 0)
  })

  test('https endpoints on private addresses or names resolving to them are refused', async ({
    client,
    assert,
    cleanup,
  }) => {
    usePushSettings({ allowPrivateEndpoints: false })
    cleanup(() => app.container.restore(HostResolver))
    app.container.swap(HostResolver, () => ({
      resolve: async (host: string) =>
        host === 'push.internal.example' ? ['10.1.2.3'] : ['93.184.215.14'],
    }))
    const user = await UserFactory.create()
    const keys = receiver.subscription().toJSON().keys

    for (const endpoint of [
      'https://127.0.0.1/push/1',
      'https://[::1]/push/1',
      'https://[::ffff:169.254.169.254]/push/1',
      'https://192.168.1.20/push/1',
      'https://push.internal.example/push/1',
    ]) {
      const response = await client
        .post('/push/subscriptions')
        .json({ endpoint, keys })
        .loginAs(user)
        .withCsrfToken()
      assert.equal(response.status(), 422, endpoint)
    }

    const publicOne = await client
      .post('/push/subscriptions')
      .json({ endpoint: 'https://push.public.example/push/1', keys })
      .loginAs(user)
      .withCsrfToken()
    publicOne.assertStatus(201)
    assert.equal(await countSubscriptions(), 1)
  })

  test('DELETE /push/subscriptions removes my own subscription', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(user).withCsrfToken()

    const response = await client
      .delete('/push/subscriptions')
      .json({ endpoint: browser.endpoint })
      .loginAs(user)
      .withCsrfToken()

    response.assertStatus(204)
    assert.isNull(await PushSubscription.findBy('endpoint', browser.endpoint))
  })

  test('another user cannot delete my subscription', async ({ client, assert }) => {
    const [me, someoneElse] = await UserFactory.createMany(2)
    const browser = receiver.subscription()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(me).withCsrfToken()

    const response = await client
      .delete('/push/subscriptions')
      .json({ endpoint: browser.endpoint })
      .loginAs(someoneElse)
      .withCsrfToken()

    response.assertStatus(404)
    const stored = await PushSubscription.findByOrFail('endpoint', browser.endpoint)
    assert.equal(stored.userId, me.id)
  })

  test('DELETE needs an endpoint and the CSRF token', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const browser = receiver.subscription()
    await client.post('/push/subscriptions').json(browser.toJSON()).loginAs(user).withCsrfToken()

    const empty = await client.delete('/push/subscriptions').json({}).loginAs(user).withCsrfToken()
    empty.assertStatus(422)
    empty.assertBody({ errors: [{ message: 'The endpoint field is required', field: 'endpoint' }] })

    const withoutToken = await client
      .delete('/push/subscriptions')
      .accept('json')
      .json({ endpoint: browser.endpoint })
      .loginAs(user)
      .redirects(0)
    withoutToken.assertStatus(403)
    assert.isNotNull(await PushSubscription.findBy('endpoint', browser.endpoint))
  })
})
