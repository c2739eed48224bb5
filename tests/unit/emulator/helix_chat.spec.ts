import { test } from '@japa/runner'
import { CHAT_SCOPES, sendChat } from './eventsub_helpers.js'
import {
  ARIA,
  BRAM,
  jsonOf,
  manualClock,
  messageOf,
  newEmulator,
  readJson,
  statusOf,
} from './helpers.js'

interface SendAnswer {
  data: {
    message_id: string
    is_sent: boolean
    drop_reason: null | { code: string; message: string }
  }[]
}

test.group('Twitch emulator | Send Chat Message', (group) => {
  const clock = manualClock(Date.UTC(2026, 10, 30, 19, 0, 0))
  const emulator = newEmulator({ now: clock.now, tickMs: 0 })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => emulator.state.reset())

  const message = (overrides: Record<string, unknown> = {}) => ({
    broadcaster_id: ARIA,
    sender_id: ARIA,
    message: 'Vote now: 1 = left, 2 = right',
    ...overrides,
  })

  test("with the sender's user token: 200, stored in the channel's chat", async ({ assert }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    const response = await sendChat(emulator, token, message())
    const body = await readJson<SendAnswer>(response)

    assert.equal(response.status, 200)
    assert.lengthOf(body.data, 1)
    assert.isTrue(body.data[0].is_sent)
    assert.isNull(body.data[0].drop_reason)
    assert.match(body.data[0].message_id, /^[0-9a-f-]{36}$/)

    const log = emulator.state.chatLog(ARIA)
    assert.deepEqual(log, [
      {
        messageId: body.data[0].message_id,
        broadcasterId: ARIA,
        chatterId: ARIA,
        chatterLogin: 'aria_plays',
        chatterName: 'Aria_Plays',
        text: 'Vote now: 1 = left, 2 = right',
        sentAt: '2026-11-30T19:00:00.000Z',
        origin: 'app',
        forSourceOnly: null,
        sourceBroadcasterId: null,
        sourceMessageId: null,
      },
    ])
    assert.equal(emulator.state.stats().counts['chat.send'], 1)
  })

  test('500 characters pass; 501 answer 422 in Helix error shape', async ({ assert }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    assert.equal(
      await statusOf(sendChat(emulator, token, message({ message: 'é'.repeat(500) }))),
      200
    )
    const tooLong = await sendChat(emulator, token, message({ message: 'x'.repeat(501) }))
    const body = await readJson<{ error: string; status: number; message: string }>(tooLong)
    assert.equal(tooLong.status, 422)
    assert.equal(body.error, 'Unprocessable Entity')
    assert.equal(body.status, 422)
    assert.match(body.message, /too large/)
    assert.lengthOf(emulator.state.chatLog(ARIA), 1)
  })

  test('a user token sends only as its own user, with user:write:chat', async ({ assert }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    const asBram = await sendChat(emulator, token, message({ sender_id: BRAM }))
    assert.equal(asBram.status, 401)
    assert.match(await messageOf(asBram), /sender_id must match/)

    const noScope = emulator.state.issueTokens(ARIA, ['channel:manage:polls']).accessToken
    const missing = await sendChat(emulator, noScope, message())
    assert.equal(missing.status, 401)
    assert.equal(await messageOf(missing), 'Missing scope: user:write:chat')

    const sourceOnly = await sendChat(emulator, token, message({ for_source_only: true }))
    assert.equal(sourceOnly.status, 400)
    assert.match(await messageOf(sourceOnly), /app access token/)
    assert.lengthOf(emulator.state.chatLog(ARIA), 0)
  })

  test('an app token needs the sender and broadcaster to have authorized the bot', async ({
    assert,
  }) => {
    const appToken = emulator.state.issueAppToken().accessToken
    assert.equal(await statusOf(sendChat(emulator, appToken, message())), 403)

    emulator.state.issueTokens(ARIA, ['user:write:chat', 'user:bot'])
    assert.equal(await statusOf(sendChat(emulator, appToken, message())), 403)

    emulator.state.issueTokens(ARIA, ['channel:bot'])
    const sent = await jsonOf<SendAnswer>(
      sendChat(emulator, appToken, message({ for_source_only: true }))
    )
    assert.isTrue(sent.data[0].is_sent)
    assert.isTrue(emulator.state.chatLog(ARIA)[0].forSourceOnly)
  })

  test('bad input: missing fields, unknown users, non-boolean for_source_only', async ({
    assert,
  }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    for (const overrides of [
      { broadcaster_id: undefined },
      { sender_id: '' },
      { message: '' },
      { broadcaster_id: '424242' },
    ]) {
      assert.equal(await statusOf(sendChat(emulator, token, message(overrides))), 400)
    }
    const appToken = emulator.state.issueAppToken().accessToken
    assert.equal(
      await statusOf(sendChat(emulator, appToken, message({ for_source_only: 'yes' }))),
      400
    )
    assert.lengthOf(emulator.state.chatLog(ARIA), 0)
  })

  test('AutoMod holds a message: 200, not sent, with a drop reason', async ({ assert }) => {
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    const body = await jsonOf<SendAnswer>(sendChat(emulator, token, message({ message: 'a scam' })))
    assert.deepEqual(body.data[0].message_id, '')
    assert.isFalse(body.data[0].is_sent)
    assert.equal(body.data[0].drop_reason?.code, 'msg_rejected')
    assert.lengthOf(emulator.state.chatLog(ARIA), 0)
  })

  test('in a Shared Chat session a message reaches every channel unless for source only', async ({
    assert,
  }) => {
    emulator.state.startSharedChat([ARIA, BRAM])
    const token = emulator.state.issueTokens(ARIA, CHAT_SCOPES).accessToken
    const sent = await jsonOf<SendAnswer>(sendChat(emulator, token, message({ message: 'to all' })))
    const [copy] = emulator.state.chatLog(BRAM)
    assert.containsSubset(copy, {
      text: 'to all',
      chatterId: ARIA,
      sourceBroadcasterId: ARIA,
      sourceMessageId: sent.data[0].message_id,
    })

    const appToken = emulator.state.issueAppToken().accessToken
    await statusOf(
      sendChat(emulator, appToken, message({ message: 'just here', for_source_only: true }))
    )
    assert.deepEqual(
      emulator.state.chatLog(ARIA).map((entry) => entry.text),
      ['to all', 'just here']
    )
    assert.deepEqual(
      emulator.state.chatLog(BRAM).map((entry) => entry.text),
      ['to all']
    )
  })
})
