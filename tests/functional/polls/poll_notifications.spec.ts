import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import Notification from '#models/notification'
import PushSubscription from '#models/push_subscription'
import { NotificationPreferences } from '#services/notifications/notification_preferences'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { PushReceiver, type BrowserSubscription } from '#tests/helpers/push_receiver'
import { restorePushSettings, usePushSettings } from '#tests/helpers/push_settings'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignRun,
  campaignWithChannels,
  endNowRequest,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  SEEDED,
} from '#tests/helpers/polls'
import { settleNotifications } from '#tests/helpers/notifications'

const receiver = new PushReceiver()

async function subscribe(user: User, name: string) {
  const browser = receiver.subscription(name)
  await PushSubscription.create({
    userId: user.id,
    endpoint: browser.endpoint,
    ...browser.toJSON().keys,
  })
  return browser
}

function pushedTypes(browser: BrowserSubscription) {
  return receiver.requestsFor(browser).map((request) => browser.decryptJson(request).type)
}

async function noticesOf(user: User, type: string) {
  return Notification.query().where('user_id', user.id).where('type', type).orderBy('id')
}

/**
 * A launched poll, announced to the streamers whose channels run it: "Poll
 * started" when it goes live, "Poll ended" once when it ends, however it ends.
 */
test.group('Polls: "Poll started" and "Poll ended" notifications', (group) => {
  const clock = pollTestSetup(group)
  group.setup(async () => {
    await receiver.start()
    return () => receiver.stop()
  })
  group.each.setup(() => {
    receiver.reset()
    usePushSettings()
    return async () => {
      await settleNotifications()
      restorePushSettings()
    }
  })

  async function launch(client: ApiClient) {
    const { gm, campaign, streamers } = await campaignWithChannels([
      SEEDED.aria,
      SEEDED.bram,
      SEEDED.pat,
    ])
    const aria = streamers.aria_plays
    const bram = streamers.bram_rolls
    const pat = streamers.plain_pat
    await aria.load('user')
    await bram.load('user')
    await pat.load('user')
    // Aria switched "Poll started" push off; Bram keeps every switch on.
    const preferences = await app.container.make(NotificationPreferences)
    await preferences.save(aria.userId, { poll_ended: true })
    const ariaBrowser = await subscribe(aria.user, 'aria')
    const bramBrowser = await subscribe(bram.user, 'bram')

    const poll = await preparedPoll(campaign, { title: 'Open the door?', choices: ['Yes', 'No'] })
    const response = await launchRequest(client, gm, campaign, poll)
    response.assertFlashMissing('error')
    const run = await campaignRun(campaign)
    await settleNotifications()
    return { gm, campaign, aria, bram, pat, run, ariaBrowser, bramBrowser }
  }

  test('going live tells each streamer whose channel runs it, in-app and by push per their choice', async ({
    client,
    assert,
  }) => {
    const { gm, aria, bram, pat, ariaBrowser, bramBrowser, campaign } = await launch(client)

    for (const streamer of [aria, bram]) {
      const started = await noticesOf(streamer.user, 'poll.started')
      assert.lengthOf(started, 1, streamer.twitchLogin)
      assert.equal(started[0].title, 'Poll live on your channel: "Open the door?"')
      assert.include(started[0].body, 'They can vote for 2 min.')
      assert.isTrue(started[0].url!.endsWith(`/campaigns/${campaign.id}`))
    }
    assert.lengthOf(await noticesOf(pat.user, 'poll.started'), 0, 'left out: not an affiliate')
    assert.lengthOf(await Notification.query().where('user_id', gm.id), 0, 'the GM launched it')

    assert.deepEqual(pushedTypes(bramBrowser), ['poll.started'])
    assert.deepEqual(pushedTypes(ariaBrowser), [], 'switched off for push, kept in-app')
  })

  test('ending early tells them once, with the combined answer, and settles "Poll live"', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, aria, bram, run, ariaBrowser } = await launch(client)
    for (const channel of run.channels.filter((candidate) => candidate.twitchPollId)) {
      twitchEmulator.state.castVotes(channel.twitchPollId!, 1, 2)
    }

    for (let press = 0; press < 2; press++) {
      await endNowRequest(client, gm, campaign, run)
    }
    await settleNotifications()

    for (const streamer of [aria, bram]) {
      const ended = await noticesOf(streamer.user, 'poll.ended')
      assert.lengthOf(ended, 1, streamer.twitchLogin)
      assert.equal(ended[0].title, 'Poll ended: "Open the door?"')
      assert.include(ended[0].body, 'The GM ended it early.')
      assert.include(ended[0].body, 'Combined answer: "No" with 4 of 4 votes.')
      const [started] = await noticesOf(streamer.user, 'poll.started')
      assert.isNotNull(started.resolvedAt)
    }
    assert.deepEqual(pushedTypes(ariaBrowser), ['poll.ended'])
  })

  test('ending at its duration tells them once, whoever reads it last', async ({
    client,
    assert,
  }) => {
    const { aria, run } = await launch(client)
    const poller = await app.container.make(PollResultsPoller)
    // The background loop reads on real time: left running, it could close the
    // run first and still be writing the notices when they are looked at.
    await poller.stop(run.id)

    clock.advance({ seconds: 126 })
    const last = await poller.tick(run.id)
    assert.isTrue(last.finished)
    // A second reader (another instance, a late tick) finds it ended: nothing more.
    await poller.tick(run.id)
    await settleNotifications()

    const ended = await noticesOf(aria.user, 'poll.ended')
    assert.lengthOf(ended, 1)
    assert.notInclude(ended[0].body, 'The GM ended it early.')
    assert.include(ended[0].body, 'Nobody voted.')
  })
})
