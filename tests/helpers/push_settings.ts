import webpush from 'web-push'
import type { Group } from '@japa/runner/core'
import app from '@adonisjs/core/services/app'
import { PushSettings } from '#services/push/push_settings'
import type { PushReceiver } from '#tests/helpers/push_receiver'
import { truncateAllTables } from '#tests/helpers/empty_database'
import { settleNotifications } from '#tests/helpers/notifications'

/** A VAPID identity for the test run (the test environment has none). */
export const testVapidKeys = webpush.generateVAPIDKeys()

/**
 * Makes every service resolved from the container (controllers, the web-push
 * channel) use these push settings: test VAPID keys, private endpoints
 * allowed (the receiver is on 127.0.0.1), short timeouts; plus `overrides`.
 * Returns the settings; `restorePushSettings()` undoes it.
 */
export function usePushSettings(overrides: Partial<PushSettings> = {}) {
  const settings = new PushSettings({
    vapid: { ...testVapidKeys, subject: 'mailto:tests@chorus.example' },
    allowPrivateEndpoints: true,
    requestTimeoutMs: 2000,
    ...overrides,
  })
  app.container.swap(PushSettings, () => settings)
  return settings
}

export function restorePushSettings() {
  app.container.restore(PushSettings)
}

/**
 * The usual frame of a push test group: the receiver runs for the group;
 * each test starts with an empty receiver and the test push settings, and
 * ends once its deliveries settled, with the tables emptied.
 */
export function withPushReceiver(group: Group, receiver: PushReceiver) {
  group.setup(async () => {
    await receiver.start()
    return () => receiver.stop()
  })
  group.each.setup(async () => {
    receiver.reset()
    usePushSettings()
    await truncateAllTables()
    return async () => {
      await settleNotifications()
      restorePushSettings()
      await truncateAllTables()
    }
  })
}
