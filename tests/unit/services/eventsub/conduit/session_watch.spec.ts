import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { FixedClock } from '#tests/helpers/fixed_clock'
import { SessionWatch, reconnectDelay } from '#services/eventsub/conduit/session_watch'

test.group('EventSub WebSocket: the keepalive rule', () => {
  test('silent only past the keepalive plus the grace, counted from the last frame', ({
    assert,
  }) => {
    const clock = new FixedClock(DateTime.fromISO('2026-12-01T20:00:00Z'))
    const watch = new SessionWatch(clock.now(), 10, 2_000)
    clock.advance({ seconds: 12 })
    assert.isFalse(watch.isSilent(clock.now()))
    clock.advance({ milliseconds: 1 })
    assert.isTrue(watch.isSilent(clock.now()))

    watch.heard(clock.now())
    clock.advance({ seconds: 11 })
    assert.isFalse(watch.isSilent(clock.now()))
  })

  test('the keepalive Twitch names in its welcome replaces the one asked for', ({ assert }) => {
    const clock = new FixedClock(DateTime.fromISO('2026-12-01T20:00:00Z'))
    const watch = new SessionWatch(clock.now(), 10, 2_000)
    watch.setKeepalive(30)
    assert.equal(watch.toleranceMs, 32_000)
    clock.advance({ seconds: 20 })
    assert.isFalse(watch.isSilent(clock.now()))
  })

  test('reconnection waits grow, then the last one repeats', ({ assert }) => {
    const delays = [0, 1_000, 5_000]
    assert.deepEqual(
      [0, 1, 2, 3, 9].map((attempt) => reconnectDelay(delays, attempt)),
      [0, 1_000, 5_000, 5_000, 5_000]
    )
    assert.equal(reconnectDelay([], 3), 0)
  })
})
