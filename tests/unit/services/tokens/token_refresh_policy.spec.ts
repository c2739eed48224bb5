import { test } from '@japa/runner'
import { DateTime, Duration } from 'luxon'
import { RefreshSchedule } from '#services/tokens/refresh_schedule'
import {
  decideDue,
  decidePermanentFailure,
  formatDuration,
  retryWindow,
  transientRetryDelay,
} from '#services/tokens/token_refresh_policy'

const schedule = new RefreshSchedule('UTC')
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' })

function due(nowIso: string, expiresAt: DateTime | null) {
  const now = at(nowIso)
  return decideDue({ expiresAt, now, nextTick: schedule.nextTickAfter(now) })
}

test.group('Due rule', () => {
  test('the 21:00 → 00:00 → 03:30 case with a 4h10m token', ({ assert }) => {
    // Refreshed at the 21:00 tick, the token lives until 01:10.
    const expiresAt = at('2025-03-10T21:00:00').plus({ hours: 4, minutes: 10 })

    // At 21:00 it outlives the next tick (00:00) + 10 min: skipped.
    assert.isFalse(due('2025-03-10T21:00:00', expiresAt).due)
    // At 00:00 it still has 1h10m (a "1 h left" rule would skip it) but it
    // would be dead long before 03:30: refreshed now.
    const atMidnight = due('2025-03-11T00:00:00', expiresAt)
    assert.isTrue(atMidnight.due)
    assert.include(atMidnight.reason, 'expires before the next tick (03:30)')
  })

  test('skipped only with more than 1 h left and valid past the next tick + 10 min', ({
    assert,
  }) => {
    // next tick after 10:00 is 10:30
    assert.isFalse(due('2025-03-11T10:00:00', at('2025-03-11T11:00:01')).due)
    assert.isTrue(due('2025-03-11T10:00:00', at('2025-03-11T11:00:00')).due, 'exactly 1 h left')
    // next tick after 11:00 is 14:00: 14:10 is the bound
    assert.isTrue(due('2025-03-11T11:00:00', at('2025-03-11T14:10:00')).due, 'dies at tick + 10')
    assert.isFalse(due('2025-03-11T11:00:00', at('2025-03-11T14:10:01')).due)
  })

  test('an expired token or an unknown expiry is due', ({ assert }) => {
    assert.deepEqual(due('2025-03-11T11:00:00', at('2025-03-11T10:59:00')), {
      due: true,
      reason: 'expired',
    })
    assert.deepEqual(due('2025-03-11T11:00:00', null), { due: true, reason: 'expiry unknown' })
  })
})

test.group('Permanent failures', () => {
  const now = at('2025-03-11T12:00:00')

  test('no earlier failure: a first failure, marked now', ({ assert }) => {
    const decision = decidePermanentFailure(null, now)
    assert.equal(decision.action, 'mark_first_failure')
    assert.equal(
      decision.action === 'mark_first_failure' && decision.tokenRefreshFailedAt.toISO(),
      now.toISO()
    )
  })

  test('an earlier failure {$self} seconds old deactivates')
    .with([1, 600, 1799])
    .run(({ assert }, seconds) => {
      const decision = decidePermanentFailure(now.minus({ seconds }), now)
      assert.equal(decision.action, 'deactivate')
    })

  test('an earlier failure 30 minutes old or more counts as a first again', ({ assert }) => {
    assert.equal(
      decidePermanentFailure(now.minus({ minutes: 30 }), now).action,
      'mark_first_failure'
    )
    assert.equal(decidePermanentFailure(now.minus({ hours: 5 }), now).action, 'mark_first_failure')
  })
})

test.group('Retry window', () => {
  const now = at('2025-03-11T12:00:00')

  test('first failures 15 to 30 minutes old, and only those', ({ assert }) => {
    const { failedAfter, failedAtOrBefore } = retryWindow(now)
    const ageInWindow = (minutes: number) => {
      const failedAt = now.minus({ minutes })
      return failedAt > failedAfter && failedAt <= failedAtOrBefore
    }
    assert.isFalse(ageInWindow(14.99))
    assert.isTrue(ageInWindow(15))
    assert.isTrue(ageInWindow(22))
    assert.isTrue(ageInWindow(29.99))
    assert.isFalse(ageInWindow(30))
    assert.isFalse(ageInWindow(45))

    const bounds = retryWindow(now)
    assert.equal(bounds.failedAfter.toISO(), now.minus({ minutes: 30 }).toISO())
    assert.equal(bounds.failedAtOrBefore.toISO(), now.minus({ minutes: 15 }).toISO())
  })
})

test.group('Transient backoff', () => {
  const settings = { attempts: 3, baseDelayMs: 500, maxDelayMs: 800, maxRetryAfterMs: 10_000 }

  test('exponential without a hint, capped, and bounded in attempts', ({ assert }) => {
    assert.equal(transientRetryDelay(1, null, settings), 500)
    assert.equal(transientRetryDelay(2, null, settings), 800)
    assert.isNull(transientRetryDelay(3, null, settings))
  })

  test("Twitch's Retry-After wins, unless it is longer than we may wait", ({ assert }) => {
    assert.equal(transientRetryDelay(1, 2_000, settings), 2_000)
    assert.equal(transientRetryDelay(1, 0, settings), 0)
    assert.isNull(transientRetryDelay(1, 60_000, settings))
    // Exactly as long as we may wait is still waited.
    assert.equal(transientRetryDelay(1, 10_000, settings), 10_000)
    assert.isNull(transientRetryDelay(1, 10_001, settings))
  })
})

test.group('Due rule: what the report says', () => {
  test('each decision says why, with the time left', ({ assert }) => {
    const now = '2025-03-10T21:00:00'
    assert.deepEqual(due(now, at(now)), { due: true, reason: 'expired' })
    assert.deepEqual(due(now, at(now).plus({ minutes: 30 })), {
      due: true,
      reason: '30m left (1 h or less)',
    })
    assert.deepEqual(due(now, at(now).plus({ hours: 1 })), {
      due: true,
      reason: '1h00m left (1 h or less)',
    })
    assert.deepEqual(due(now, at(now).plus({ hours: 4, minutes: 10 })), {
      due: false,
      reason: '4h10m left, valid past the next tick (00:00) + 10 min',
    })
    assert.deepEqual(due(now, at(now).plus({ hours: 3, minutes: 5 })), {
      due: true,
      reason: '3h05m left, expires before the next tick (00:00) + 10 min',
    })
  })

  test('durations read "3h05m", "12m", "45s"', ({ assert }) => {
    const cases: Array<[number, string]> = [
      [-5_000, '0s'],
      [0, '0s'],
      [999, '0s'],
      [45_000, '45s'],
      [59_999, '59s'],
      [60_000, '1m'],
      [12 * 60_000 + 30_000, '12m'],
      [3_599_000, '59m'],
      [3_600_000, '1h00m'],
      [2 * 3_600_000 + 60_000, '2h01m'],
      [3 * 3_600_000 + 5 * 60_000, '3h05m'],
      [12 * 3_600_000 + 45 * 60_000 + 59_000, '12h45m'],
    ]
    for (const [ms, text] of cases) {
      assert.equal(formatDuration(Duration.fromMillis(ms)), text, `${ms} ms`)
    }
  })
})
