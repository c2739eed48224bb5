import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import Notification from '#models/notification'
import { UserFactory } from '#database/factories/user_factory'
import { appUrl } from '#config/app'
import { NotificationService } from '#services/notifications/notification_service'
import {
  NotificationChannelRegistry,
  type DeliverableNotification,
  type NotificationChannel,
} from '#services/notifications/notification_channel'
import { settleNotifications } from '#tests/helpers/notifications'

test.group('NotificationService', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  let notificationChannels: NotificationChannelRegistry
  group.setup(async () => {
    notificationChannels = await app.container.make(NotificationChannelRegistry)
  })

  test('writes the rows first, then hands them to every channel', async ({ assert, cleanup }) => {
    const user = await UserFactory.create()
    const delivered: DeliverableNotification[] = []
    const channel: NotificationChannel = {
      name: 'recording',
      async deliver(notifications) {
        delivered.push(...notifications)
      },
    }
    notificationChannels.register(channel)
    cleanup(() => notificationChannels.unregister(channel))
    const service = await app.container.make(NotificationService)

    const stored = await service.notify([
      {
        userId: user.id,
        type: 'test.note',
        message: { key: 'notifications.accepted', values: { name: 'Hello', campaign: 'World' } },
        url: '/campaigns/7',
      },
    ])
    await settleNotifications()

    const row = await Notification.findOrFail(stored[0].id)
    assert.equal(row.url, `${appUrl}/campaigns/7`)
    assert.equal(row.title, 'Hello joined "World"')
    assert.deepEqual(
      delivered.map((notification) => [notification.id, notification.urgency]),
      [[row.id, 'normal']]
    )
  })

  test('a failing or hanging channel never fails nor delays the caller', async ({
    assert,
    cleanup,
  }) => {
    const user = await UserFactory.create()
    let release = () => {}
    const failing: NotificationChannel = {
      name: 'failing',
      async deliver() {
        throw new Error('push service down')
      },
    }
    const hanging: NotificationChannel = {
      name: 'hanging',
      deliver: () => new Promise<void>((resolve) => (release = resolve)),
    }
    notificationChannels.register(failing)
    notificationChannels.register(hanging)
    cleanup(() => {
      notificationChannels.unregister(failing)
      notificationChannels.unregister(hanging)
    })
    const service = await app.container.make(NotificationService)

    const stored = await service.notify([
      {
        userId: user.id,
        type: 'test.note',
        message: { key: 'notifications.left', values: { name: 'Still', campaign: 'here' } },
        url: null,
        urgency: 'high',
      },
    ])

    assert.lengthOf(stored, 1)
    assert.isNotNull(await Notification.find(stored[0].id))
    release()
    await settleNotifications()
  })
})
