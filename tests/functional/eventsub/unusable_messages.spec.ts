import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import Streamer from '#models/streamer'
import { HandledMessages } from '#services/eventsub/handled_messages'
import {
  campaignWithChannels,
  channelOf,
  launchedPoll,
  pollTestSetup,
  runWithChannels,
  SEEDED,
} from '#tests/helpers/polls'
import {
  eventsubTestSetup,
  postToWebhook,
  signedMessage,
  signedRawMessage,
} from '#tests/helpers/eventsub'

const NUL = '\u0000'
const LONG_ID = 'x'.repeat(500)

function subscriptionOf(type: string, condition: Record<string, string>, status = 'enabled') {
  return { id: randomUUID(), type, version: '1', status, condition }
}

function progress(pollId: string, overrides: Record<string, unknown> = {}, choices?: unknown) {
  return {
    subscription: subscriptionOf('channel.poll.progress', {
      broadcaster_user_id: SEEDED.aria.id,
    }),
    event: {
      id: pollId,
      broadcaster_user_id: SEEDED.aria.id,
      choices: choices ?? [
        { id: 'a', title: 'A', votes: 1, channel_points_votes: 0, bits_votes: 0 },
        { id: 'b', title: 'B', votes: 2, channel_points_votes: 0, bits_votes: 0 },
        { id: 'c', title: 'C', votes: 0, channel_points_votes: 0, bits_votes: 0 },
      ],
      ...overrides,
    },
  }
}

function votes(first: unknown, key = 'votes') {
  return [
    { id: 'a', title: 'A', votes: 0, channel_points_votes: 0, [key]: first },
    { id: 'b', title: 'B', votes: 0, channel_points_votes: 0 },
  ]
}

function chat(event: Record<string, unknown>) {
  return {
    subscription: subscriptionOf('channel.chat.message', {
      broadcaster_user_id: SEEDED.pat.id,
      user_id: SEEDED.pat.id,
    }),
    event: {
      broadcaster_user_id: SEEDED.pat.id,
      chatter_user_id: '90001',
      message_id: randomUUID(),
      message: { text: '1', fragments: [] },
      ...event,
    },
  }
}

function revoke(event: Record<string, unknown>) {
  return {
    subscription: subscriptionOf('user.authorization.revoke', { client_id: 'chorus-test-client' }),
    event: { client_id: 'chorus-test-client', user_id: SEEDED.aria.id, ...event },
  }
}

function withoutKey(record: Record<string, unknown>, key: string) {
  const copy = { ...record }
  delete copy[key]
  return copy
}

const ariaProgress = subscriptionOf('channel.poll.progress', {
  broadcaster_user_id: SEEDED.aria.id,
})

interface Variant {
  name: string
  messageType: 'notification' | 'revocation' | 'webhook_callback_verification'
  subscriptionType: string
  body: (pollId: string) => unknown
}

/**
 * Signed messages Chorus cannot use. Each used to answer 500 (Twitch
 * retries, then revokes the subscription) or was handled in part.
 */
const VARIANTS: Variant[] = [
  ...(
    [
      ['poll progress with choices: [null]', (id: string) => progress(id, {}, [null, null])],
      ['poll progress with 2^31 votes', (id: string) => progress(id, {}, votes(2 ** 31))],
      [
        'poll progress with 2^31 channel points votes',
        (id: string) => progress(id, {}, votes(2 ** 31, 'channel_points_votes')),
      ],
      ['poll progress with 1e308 votes', (id: string) => progress(id, {}, votes(1e308))],
      ['poll progress with negative votes', (id: string) => progress(id, {}, votes(-1))],
      ['poll progress with votes as text', (id: string) => progress(id, {}, votes('7'))],
      ['poll progress with fractional votes', (id: string) => progress(id, {}, votes(1.5))],
      ['poll progress with a NUL in the poll id', (id: string) => progress(`${id}${NUL}`)],
      [
        'poll progress with a NUL in the broadcaster id',
        (id: string) => progress(id, { broadcaster_user_id: `${SEEDED.aria.id}${NUL}` }),
      ],
      ['poll progress with a 500-character poll id', () => progress(LONG_ID)],
      ['poll progress without an event', (id: string) => ({ ...progress(id), event: null })],
      ['poll progress with choices as an object', (id: string) => progress(id, { choices: {} })],
    ] as const
  ).map(([name, body]) => ({
    name,
    messageType: 'notification' as const,
    subscriptionType: 'channel.poll.progress',
    body,
  })),
  {
    name: 'poll end with an unknown status',
    messageType: 'notification',
    subscriptionType: 'channel.poll.end',
    body: (id) => {
      const message = progress(id, { status: 'exploded' })
      return { ...message, subscription: { ...message.subscription, type: 'channel.poll.end' } }
    },
  },
  ...(
    [
      ['chat message with a NUL in the chatter id', chat({ chatter_user_id: `9${NUL}1` })],
      ['chat message with a 500-character broadcaster id', chat({ broadcaster_user_id: LONG_ID })],
      ['chat message with a NUL in the text', chat({ message: { text: `1${NUL}` } })],
      ['chat message without a message', chat({ message: null })],
    ] as const
  ).map(([name, body]) => ({
    name,
    messageType: 'notification' as const,
    subscriptionType: 'channel.chat.message',
    body: () => body,
  })),
  ...(
    [
      ['authorization revoke with a NUL in the user id', revoke({ user_id: `1001${NUL}` })],
      ['authorization revoke with a 500-character user id', revoke({ user_id: LONG_ID })],
      ['authorization revoke without a user id', revoke({ user_id: null })],
    ] as const
  ).map(([name, body]) => ({
    name,
    messageType: 'notification' as const,
    subscriptionType: 'user.authorization.revoke',
    body: () => body,
  })),
  ...(
    [
      ['revocation without a type', { subscription: withoutKey(ariaProgress, 'type') }],
      ['revocation without a status', { subscription: withoutKey(ariaProgress, 'status') }],
      [
        'revocation with a 500-character subscription id',
        { subscription: { ...ariaProgress, id: LONG_ID } },
      ],
      [
        'revocation with a NUL in the subscription id',
        { subscription: { ...ariaProgress, id: `${ariaProgress.id}${NUL}` } },
      ],
      ['revocation without a subscription', {}],
    ] as const
  ).map(([name, body]) => ({
    name,
    messageType: 'revocation' as const,
    subscriptionType: 'channel.poll.progress',
    body: () => body,
  })),
  ...(
    [
      [
        'verification without a type',
        { challenge: 'c1', subscription: withoutKey(ariaProgress, 'type') },
      ],
      [
        'verification without a status',
        { challenge: 'c2', subscription: withoutKey(ariaProgress, 'status') },
      ],
      [
        'verification with a 500-character subscription id',
        { challenge: 'c3', subscription: { ...ariaProgress, id: LONG_ID } },
      ],
      [
        'verification with a NUL in the challenge',
        { challenge: `c4${NUL}`, subscription: ariaProgress },
      ],
      ['verification without a challenge', { subscription: ariaProgress }],
    ] as const
  ).map(([name, body]) => ({
    name,
    messageType: 'webhook_callback_verification' as const,
    subscriptionType: 'channel.poll.progress',
    body: () => body,
  })),
]

/**
 * Never a 5xx to Twitch: a signed message Chorus cannot use is acknowledged
 * (so Twitch does not retry it into a revocation), logged once, and changes
 * nothing.
 */
test.group('EventSub: signed messages Chorus cannot use', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)

  test('{name}')
    .with(VARIANTS)
    .run(async ({ client, assert }, variant) => {
      const { run, pollIdOf, streamers } = await launchedPoll(client, [SEEDED.aria])
      const subscriptionsBefore = await db.from('eventsub_subscriptions').count('* as n')
      const message = signedMessage(variant.body(pollIdOf(SEEDED.aria)), {
        type: variant.messageType,
        subscriptionType: variant.subscriptionType,
      })

      const answer = await postToWebhook(message.raw, message.headers)
      assert.isAtLeast(answer.status, 200, answer.text)
      assert.isBelow(answer.status, 300, answer.text)
      if (variant.messageType === 'webhook_callback_verification') {
        // Acknowledged, but no challenge echoed: Twitch does not enable it.
        assert.notInclude(answer.text, 'c1')
        assert.include(answer.text, 'ignored')
      } else {
        // Claimed as handled: a redelivery is acknowledged without a second look.
        assert.equal(await redis.get(HandledMessages.key(message.id)), 'handled')
        const again = await postToWebhook(message.raw, message.headers)
        assert.equal(again.status, 204)
      }

      // Nothing changed: the channel's counts, the streamer, the subscriptions.
      const channel = channelOf(await runWithChannels(run.id), SEEDED.aria)
      assert.deepEqual(channel.votes, [0, 0, 0])
      const aria = await Streamer.findOrFail(streamers[SEEDED.aria.login].id)
      assert.isTrue(aria.isActive)
      assert.isNotNull(aria.accessTokenEncrypted)
      assert.deepEqual(await db.from('eventsub_subscriptions').count('* as n'), subscriptionsBefore)
    })

  test('a body that is not JSON, signed, is acknowledged', async ({ assert }) => {
    const message = signedRawMessage('{"subscription": ')
    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 200)
    assert.include(answer.text, 'ignored')
  })

  test('an event for a streamer Chorus does not know changes nothing and is acknowledged', async ({
    assert,
  }) => {
    await campaignWithChannels([SEEDED.aria])
    const message = signedMessage(revoke({ user_id: '424242' }), {
      subscriptionType: 'user.authorization.revoke',
    })
    const answer = await postToWebhook(message.raw, message.headers)
    assert.equal(answer.status, 204)
  })
})
