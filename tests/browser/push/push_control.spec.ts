import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import type { Page } from 'playwright'
import type { TestContext } from '@japa/runner/core'
import PushSubscription from '#models/push_subscription'
import { UserFactory } from '#database/factories/user_factory'
import { NotificationService } from '#services/notifications/notification_service'
import { PushReceiver, type BrowserSubscription } from '#tests/helpers/push_receiver'
import { withPushReceiver } from '#tests/helpers/push_settings'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

async function controlState(page: Page, state: string) {
  await page.locator(`[data-push-control][data-state="${state}"]`).waitFor({ timeout: 10_000 })
}

/**
 * Signs a new user in, prepares the browser, opens `path` and waits for the
 * control to reach `state`.
 */
async function openControl(
  { visit, browserContext }: Pick<TestContext, 'visit' | 'browserContext'>,
  options: { state: string; path?: string; grant?: boolean; initScript?: string }
) {
  const user = await UserFactory.create()
  await browserContext.loginAs(user)
  if (options.grant) await browserContext.grantPermissions(['notifications'])
  if (options.initScript) await browserContext.addInitScript({ content: options.initScript })
  const page = await visit(options.path ?? '/notifications/preferences')
  await controlState(page, options.state)
  return { user, page }
}

/**
 * Stands in for the browser's push service, which a headless Chromium
 * cannot reach: `pushManager.subscribe()` answers a subscription whose
 * endpoint is the test receiver and whose keys the test holds, so the test
 * can decrypt what the server then pushes. Everything else is the real page.
 */
function fakePushService(subscription: BrowserSubscription) {
  return `(() => {
    const json = ${JSON.stringify(subscription.toJSON())}
    let current = null
    PushManager.prototype.subscribe = async function (options) {
      const key = new Uint8Array(options.applicationServerKey)
      current = {
        endpoint: json.endpoint,
        options: { applicationServerKey: key.buffer, userVisibleOnly: true },
        toJSON: () => json,
        unsubscribe: async () => {
          current = null
          return true
        },
      }
      return current
    }
    PushManager.prototype.getSubscription = async function () {
      return current
    }
  })()`
}

test.group('Browser: Enable notifications', (group) => {
  withPushReceiver(group, receiver)

  test('the page registers /sw.js and the control shows "off"', async (context) => {
    const { assert } = context
    const { page } = await openControl(context, { state: 'off', grant: true })
    await page.assertTextContains('[data-push-message]', 'Notifications are off on this device.')
    await page.assertTextContains('[data-push-toggle]', 'Enable notifications')

    const registration = await page.evaluate<{ scriptURL: string; scope: string }>(`
      navigator.serviceWorker.ready.then((ready) => ({
        scriptURL: ready.active.scriptURL,
        scope: ready.scope,
      }))
    `)
    assert.equal(new URL(registration.scriptURL).pathname, '/sw.js')
    assert.equal(new URL(registration.scope).pathname, '/')
  })

  test('the service worker shows a push with its link', async (context) => {
    const { assert, browserContext } = context
    await openControl(context, { state: 'off', grant: true })

    const worker =
      browserContext.serviceWorkers()[0] ?? (await browserContext.waitForEvent('serviceworker'))
    assert.equal(new URL(worker.url()).pathname, '/sw.js')
    // A push event through the worker's own handler (the page cannot reach a real push service).
    const notification = await worker.evaluate<{ title: string; body: string; url: string }>(`
      (async () => {
        const event = new PushEvent('push', {
          data: JSON.stringify({
            id: 42,
            type: 'token.reconnect_required',
            title: 'Reconnect your Twitch account',
            body: 'Sign in with Twitch again.',
            url: self.location.origin + '/auth/twitch/redirect',
          }),
        })
        // A synthetic event may not call waitUntil: keep the promise the handler gives it.
        let done = Promise.resolve()
        Object.defineProperty(event, 'waitUntil', { value: (promise) => (done = promise) })
        self.dispatchEvent(event)
        await done
        const [shown] = await self.registration.getNotifications({ tag: 'chorus-42' })
        return { title: shown.title, body: shown.body, url: shown.data.url }
      })()
    `)
    assert.deepEqual(notification, {
      title: 'Reconnect your Twitch account',
      body: 'Sign in with Twitch again.',
      url: `${process.env.APP_URL}/auth/twitch/redirect`,
    })
  })

  test('enabling subscribes with the VAPID key and the XSRF header; turning off removes it', async (context) => {
    const { assert } = context
    const browser = receiver.subscription('chromium')
    const { page, user } = await openControl(context, {
      state: 'off',
      grant: true,
      initScript: fakePushService(browser),
    })
    await page.getByRole('button', { name: 'Enable notifications' }).click()
    await controlState(page, 'on')
    await page.assertTextContains('[data-push-message]', 'Notifications are on for this device.')

    const stored = await PushSubscription.findByOrFail('endpoint', browser.endpoint)
    assert.equal(stored.userId, user.id)
    assert.include(stored.userAgent ?? '', 'Chrome')

    // The whole chain: the server pushes to what the page subscribed, readable with the browser's keys.
    const service = await app.container.make(NotificationService)
    await service.notify([
      {
        userId: user.id,
        type: 'poll.ended',
        message: { key: 'notifications.removed', values: { campaign: 'Ashes' } },
        url: '/dashboard',
      },
    ])
    await settleNotifications()
    const [push] = receiver.requestsFor(browser)
    assert.equal(browser.decryptJson(push).title, 'You left "Ashes"')

    await page.getByRole('button', { name: 'Turn off notifications' }).click()
    await controlState(page, 'off')
    assert.isNull(await PushSubscription.findBy('endpoint', browser.endpoint))
  })

  test('blocked notifications show "denied" and no button', async (context) => {
    const { assert } = context
    const { page } = await openControl(context, {
      state: 'denied',
      path: '/dashboard',
      initScript: `Object.defineProperty(Notification, 'permission', { get: () => 'denied' })`,
    })
    await page.assertTextContains('[data-push-message]', 'blocked')
    assert.isFalse(await page.locator('[data-push-toggle]').isVisible())
  })

  test('a browser without the Push API shows "unsupported"', async (context) => {
    const { assert } = context
    const { page } = await openControl(context, {
      state: 'unsupported',
      initScript: 'delete window.PushManager',
    })
    assert.isFalse(await page.locator('[data-push-toggle]').isVisible())
  })
})
