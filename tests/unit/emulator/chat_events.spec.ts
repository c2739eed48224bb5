import { test } from '@japa/runner'
import { CHAT_SCOPES, sendChat, subscribe } from './eventsub_helpers.js'
import {
  ARIA,
  BRAM,
  jsonOf,
  manualClock,
  newEmulator,
  postJson,
  seededRandom,
  statusOf,
} from './helpers.js'
import { WebhookReceiver } from './webhook_receiver.js'

const START = Date.UTC(2026, 10, 30, 19, 0, 0)

/** Chorus's vote rule, restated here to check what the auto-chatters post. */
function voteIn(text: string, choices: number): number | null {
  const match = /^(?:!vote\s+|!)?(\d+)$/i.exec(text.trim())
  const choice = match ? Number(match[1]) : Number.NaN
  return choice >= 1 && choice <= choices ? choice : null
}

test.group('Twitch emulator | channel.chat.message events', (group) => {
  const clock = manualClock(START)
  const emulator = newEmulator({ now: clock.now, tickMs: 0, random: seededRandom(11) })
  const receiver = new WebhookReceiver()

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
    receiver.reset()
    const appToken = emulator.state.issueAppToken().accessToken
    for (const broadcaster of [ARIA, BRAM]) {
      emulator.state.issueTokens(broadcaster, CHAT_SCOPES)
      await subscribe(
        emulator,
        appToken,
        'channel.chat.message',
        { broadcaster_user_id: broadcaster, user_id: broadcaster },
        receiver.callback
      )
    }
    receiver.messages = []
  })

  const chatEvents = (broadcaster: string) =>
    receiver
      .events('channel.chat.message')
      .map((message) => message.body.event)
      .filter((event) => event.broadcaster_user_id === broadcaster)

  test('a viewer message posted through the control API arrives as an event', async ({
    assert,
  }) => {
    const response = await postJson(`${emulator.url}/_emulator/chat/${ARIA}/messages`, {
      chatterLogin: 'Night_Owl',
      text: '!vote 2',
    })
    const posted = await jsonOf<{ data: { messageId: string; chatterId: string }[] }>(response)
    assert.equal(response.status, 201)
    await emulator.state.eventsub.idle()

    const [event] = chatEvents(ARIA)
    assert.deepEqual(event, {
      broadcaster_user_id: ARIA,
      broadcaster_user_login: 'aria_plays',
      broadcaster_user_name: 'Aria_Plays',
      chatter_user_id: posted.data[0].chatterId,
      chatter_user_login: 'night_owl',
      chatter_user_name: 'night_owl',
      message_id: posted.data[0].messageId,
      message: {
        text: '!vote 2',
        fragments: [{ type: 'text', text: '!vote 2', cheermote: null, emote: null, mention: null }],
      },
      message_type: 'text',
      badges: [],
      cheer: null,
      color: event.color,
      reply: null,
      channel_points_custom_reward_id: null,
      source_broadcaster_user_id: null,
      source_broadcaster_user_login: null,
      source_broadcaster_user_name: null,
      source_message_id: null,
      source_badges: null,
    })
    assert.match(event.color, /^#[0-9A-F]{6}$/)
    assert.lengthOf(chatEvents(BRAM), 0)

    // The same chatter keeps their id; a user chats under their own account.
    const again = await jsonOf<{ data: { chatterId: string }[] }>(
      postJson(`${emulator.url}/_emulator/chat/${ARIA}/messages`, {
        chatterLogin: 'night_owl',
        text: 'hi',
      })
    )
    assert.equal(again.data[0].chatterId, posted.data[0].chatterId)
    const asUser = emulator.state.postViewerMessage({
      broadcasterId: ARIA,
      chatterId: BRAM,
      text: 'o/',
    })
    assert.equal(asUser[0].chatterLogin, 'bram_rolls')
  })

  test('message ids are unique per message', async ({ assert }) => {
    for (let index = 0; index < 20; index++) {
      emulator.state.postViewerMessage({ broadcasterId: ARIA, chatterLogin: 'spammer', text: '1' })
    }
    await emulator.state.eventsub.idle()
    const ids = chatEvents(ARIA).map((event) => event.message_id)
    assert.lengthOf(ids, 20)
    assert.lengthOf(new Set(ids), 20)
  })

  test('a Shared Chat message from another channel carries its source', async ({ assert }) => {
    const posted = emulator.state.postViewerMessage({
      broadcasterId: ARIA,
      chatterLogin: 'guest_viewer',
      text: '1',
      sourceBroadcasterId: BRAM,
    })
    await emulator.state.eventsub.idle()

    const [inAria] = chatEvents(ARIA)
    const [inBram] = chatEvents(BRAM)
    assert.containsSubset(inAria, {
      source_broadcaster_user_id: BRAM,
      source_broadcaster_user_login: 'bram_rolls',
      source_broadcaster_user_name: 'Bram_Rolls',
      source_message_id: inBram.message_id,
      source_badges: [],
    })
    assert.notEqual(inAria.message_id, inBram.message_id)
    assert.isNull(inBram.source_broadcaster_user_id)
    assert.deepEqual(
      posted.map((entry) => [entry.broadcasterId, entry.sourceBroadcasterId]),
      [
        [BRAM, null],
        [ARIA, BRAM],
      ]
    )
  })

  test("the app's own messages are echoed as events", async ({ assert }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    await statusOf(
      sendChat(emulator, token, {
        broadcaster_id: ARIA,
        sender_id: ARIA,
        message: 'Hello from Chorus',
      })
    )
    await emulator.state.eventsub.idle()
    const [event] = chatEvents(ARIA)
    assert.equal(event.chatter_user_id, ARIA)
    assert.equal(event.message.text, 'Hello from Chorus')
  })

  test('control API: chat log, bad chatters and unknown channels', async ({ assert }) => {
    const control = `${emulator.url}/_emulator/chat`
    await statusOf(
      postJson(`${control}/${ARIA}/messages`, { chatterLogin: 'one_viewer', text: 'first' })
    )
    await statusOf(
      postJson(`${control}/${ARIA}/messages`, { chatterLogin: 'one_viewer', text: 'second' })
    )
    const log = await jsonOf<{ data: { text: string; origin: string }[] }>(
      fetch(`${control}/${ARIA}?limit=1`)
    )
    assert.deepEqual(log.data, [{ ...log.data[0], text: 'second', origin: 'viewer' }])

    assert.equal(await statusOf(postJson(`${control}/${ARIA}/messages`, { text: 'who?' })), 400)
    assert.equal(
      await statusOf(
        postJson(`${control}/${ARIA}/messages`, { chatterLogin: 'bad login!', text: 'x' })
      ),
      400
    )
    assert.equal(
      await statusOf(postJson(`${control}/${ARIA}/messages`, { chatterId: '77', text: 'x' })),
      404
    )
    assert.equal(
      await statusOf(postJson(`${control}/424242/messages`, { chatterLogin: 'abc', text: 'x' })),
      404
    )
    assert.equal(await statusOf(fetch(`${control}/424242`)), 404)
  })

  test('auto-chatters vote during an announced chat vote, only while listened to', async ({
    assert,
  }) => {
    emulator.state.setAutoChat(true)
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    const announcement =
      'Where next? 1 = The crypt · 2 = The tavern · 3 = The sewers. Vote with 1, !1 or !vote 1 — 60 s'
    await statusOf(
      sendChat(emulator, token, { broadcaster_id: ARIA, sender_id: ARIA, message: announcement })
    )
    for (let step = 0; step < 30; step++) {
      clock.advance(1000)
      emulator.state.tick()
    }
    await emulator.state.eventsub.idle()

    const texts = chatEvents(ARIA)
      .filter((event) => event.chatter_user_id !== ARIA)
      .map((event) => ({ login: event.chatter_user_login, text: event.message.text }))
    assert.isAtLeast(texts.length, 20)
    const votes = texts.filter((line) => voteIn(line.text, 3) !== null)
    const noise = texts.filter((line) => voteIn(line.text, 3) === null)
    assert.isAbove(votes.length, noise.length)
    assert.isAtLeast(noise.length, 1)
    const voters = new Set(votes.map((line) => line.login))
    assert.isBelow(voters.size, votes.length, 'some chatters vote more than once')
    assert.isTrue(texts.some((line) => /^!vote \d$/i.test(line.text.trim())))
    assert.lengthOf(chatEvents(BRAM), 0)

    // The vote ends after its 60 s; nothing more is said.
    clock.advance(40_000)
    emulator.state.tick()
    const settledCount = emulator.state.chatLog(ARIA).length
    clock.advance(10_000)
    emulator.state.tick()
    assert.lengthOf(emulator.state.chatLog(ARIA), settledCount)
    assert.isUndefined(emulator.state.chat.votes.get(ARIA))
  })

  test('auto-chatters stay quiet without a subscription, when off, and after results', async ({
    assert,
  }) => {
    const token = emulator.state.issueTokens(BRAM, CHAT_SCOPES).accessToken
    const announce = (text: string) =>
      statusOf(sendChat(emulator, token, { broadcaster_id: BRAM, sender_id: BRAM, message: text }))

    await announce('1 = yes · 2 = no')
    clock.advance(10_000)
    emulator.state.tick()
    assert.lengthOf(emulator.state.chatLog(BRAM), 1, 'auto-chat is off')

    emulator.state.setAutoChat(true)
    await announce('Results: 1 = yes wins')
    assert.isUndefined(emulator.state.chat.votes.get(BRAM))
    clock.advance(10_000)
    emulator.state.tick()
    assert.lengthOf(emulator.state.chatLog(BRAM), 2)

    const subscription = emulator.state
      .listSubscriptions()
      .find((sub) => sub.condition.broadcaster_user_id === BRAM)
    emulator.state.revokeSubscription(subscription!.id, 'user_removed')
    await statusOf(
      postJson(`${emulator.url}/_emulator/chat/${BRAM}/chat-vote`, { choices: 2, seconds: 30 })
    )
    clock.advance(10_000)
    emulator.state.tick()
    assert.lengthOf(emulator.state.chatLog(BRAM), 2, 'nobody listens')
    await emulator.state.eventsub.idle()
  })

  test('a chat vote can be opened and closed by hand', async ({ assert }) => {
    emulator.state.setAutoChat(true)
    const control = `${emulator.url}/_emulator/chat/${ARIA}/chat-vote`
    assert.equal(await statusOf(postJson(control, { choices: 1, seconds: 30 })), 400)
    assert.equal(await statusOf(postJson(control, { choices: 4, seconds: 30 })), 200)
    clock.advance(5000)
    emulator.state.tick()
    const afterFive = emulator.state.chatLog(ARIA).length
    assert.isAtLeast(afterFive, 3)
    assert.equal(await statusOf(postJson(`${control}/close`, {})), 200)
    clock.advance(5000)
    emulator.state.tick()
    assert.lengthOf(emulator.state.chatLog(ARIA), afterFive)
    await emulator.state.eventsub.idle()
  })
})
