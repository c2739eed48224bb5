import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { hasValidSignature, messageTime, readEnvelope } from '#services/eventsub/eventsub_message'

const SECRET = 'a-secret-of-decent-length'

function envelopeFor(body: string, secret = SECRET) {
  const id = 'e3b0c442-98fc-1c14-9afb-4c8996fb9242'
  const timestamp = '2026-11-30T19:00:00.123456789Z'
  const signature =
    'sha256=' +
    createHmac('sha256', secret)
      .update(id + timestamp + body)
      .digest('hex')
  return { id, type: 'notification', timestamp, signature, retry: 0 }
}

test.group('EventSub messages', () => {
  test('the signature covers id, timestamp text and the exact body bytes', ({ assert }) => {
    const body = '{"event":{"votes":1}}'
    const envelope = envelopeFor(body)
    assert.isTrue(hasValidSignature(SECRET, envelope, Buffer.from(body)))
    assert.isFalse(hasValidSignature(SECRET, envelope, Buffer.from('{"event":{"votes":2}}')))
    assert.isFalse(hasValidSignature('another-secret-entirely', envelope, Buffer.from(body)))
    assert.isFalse(
      hasValidSignature(
        SECRET,
        { ...envelope, timestamp: '2026-11-30T19:00:00.123Z' },
        Buffer.from(body)
      )
    )
    // Uppercase hex or a truncated signature is not Twitch's format.
    const upper = { ...envelope, signature: envelope.signature.toUpperCase() }
    assert.isFalse(hasValidSignature(SECRET, upper, Buffer.from(body)))
    const short = { ...envelope, signature: envelope.signature.slice(0, 20) }
    assert.isFalse(hasValidSignature(SECRET, short, Buffer.from(body)))
  })

  test('nanosecond timestamps are read; anything else is refused', ({ assert }) => {
    // Twitch's own shape: nanoseconds, kept to the millisecond (never rounded up).
    assert.equal(
      messageTime('2026-12-06T04:37:17.123456789Z'),
      Date.UTC(2026, 11, 6, 4, 37, 17, 123)
    )
    assert.equal(
      messageTime('2026-12-06T04:37:17.999999999Z'),
      Date.UTC(2026, 11, 6, 4, 37, 17, 999)
    )
    assert.equal(
      messageTime('2026-12-06T05:37:17.123456789+01:00'),
      Date.UTC(2026, 11, 6, 4, 37, 17, 123)
    )
    assert.equal(messageTime('2026-11-30T19:00:00Z'), Date.UTC(2026, 10, 30, 19, 0, 0))
    assert.equal(messageTime('2026-11-30T20:00:00.5+01:00'), Date.UTC(2026, 10, 30, 19, 0, 0, 500))
    assert.equal(messageTime('2026-11-30T18:00:00-01:00'), Date.UTC(2026, 10, 30, 19, 0, 0))
    assert.isNull(messageTime('yesterday'))
    assert.isNull(messageTime(''))
    // Valid dates to JavaScript, but not RFC 3339: an extended year, a space
    // for the T, no zone (read as the server's local time).
    assert.isNull(messageTime('+002026-11-30T19:00:00Z'))
    assert.isNull(messageTime('2026-11-30 19:00:00Z'))
    assert.isNull(messageTime('2026-11-30T19:00:00'))
    assert.isNull(messageTime('2026-11-30T19:00:00.123'))
    // Anything after the zone, and a day that does not exist.
    assert.isNull(messageTime('2026-11-30T19:00:00Z and more'))
    assert.isNull(messageTime('2026-12-06T04:37:17.123456789Zx'))
    assert.isNull(messageTime('2026-11-30T19:00:00+01:0012'))
    assert.isNull(messageTime('2026-13-45T19:00:00Z'))
  })

  test('a message missing one of the signed headers has no envelope', ({ assert }) => {
    const headers: Record<string, string> = {
      'twitch-eventsub-message-id': 'x',
      'twitch-eventsub-message-type': 'notification',
      'twitch-eventsub-message-timestamp': '2026-11-30T19:00:00Z',
      'twitch-eventsub-message-signature': 'sha256=00',
    }
    assert.deepEqual(
      readEnvelope((name) => headers[name]),
      {
        id: 'x',
        type: 'notification',
        timestamp: '2026-11-30T19:00:00Z',
        signature: 'sha256=00',
        retry: 0,
      }
    )
    for (const missing of Object.keys(headers)) {
      const partial = { ...headers }
      delete partial[missing]
      assert.isNull(readEnvelope((name) => partial[name]))
    }
  })

  test('the retry count is read when Twitch sends one, 0 otherwise', ({ assert }) => {
    const headers: Record<string, string> = {
      'twitch-eventsub-message-id': 'x',
      'twitch-eventsub-message-type': 'notification',
      'twitch-eventsub-message-timestamp': '2026-11-30T19:00:00Z',
      'twitch-eventsub-message-signature': 'sha256=00',
    }
    const retryOf = (retry: string) =>
      readEnvelope((name) => ({ ...headers, 'twitch-eventsub-message-retry': retry })[name])!.retry
    assert.equal(retryOf('3'), 3)
    assert.equal(retryOf('0'), 0)
    assert.equal(retryOf('many'), 0)
  })
})
