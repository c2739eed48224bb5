import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import cron from 'node-cron'
import { REFRESH_CRON_EXPRESSIONS, RefreshSchedule } from '#services/tokens/refresh_schedule'

/** The next `count` ticks after `after`, in order. */
function nextTicks(schedule: RefreshSchedule, after: DateTime, count: number) {
  const ticks: DateTime[] = []
  for (let from = after; ticks.length < count;) {
    from = schedule.nextTickAfter(from)
    ticks.push(from)
  }
  return ticks
}

const SEVEN_TIMES = ['00:00', '03:30', '07:00', '10:30', '14:00', '17:30', '21:00']

test.group('RefreshSchedule', () => {
  test('the two expressions give exactly 00:00, 03:30, 07:00, 10:30, 14:00, 17:30, 21:00', ({
    assert,
  }) => {
    const schedule = new RefreshSchedule('UTC')
    const after = DateTime.fromISO('2025-03-10T23:59:59', { zone: 'UTC' })

    const ticks = nextTicks(schedule, after, 8)

    assert.deepEqual(
      ticks.slice(0, 7).map((tick) => tick.toFormat('yyyy-MM-dd HH:mm')),
      SEVEN_TIMES.map((time) => `2025-03-11 ${time}`)
    )
    assert.equal(ticks[7].toFormat('yyyy-MM-dd HH:mm'), '2025-03-12 00:00')
  })

  test('a time exactly on a tick gives the following tick', ({ assert }) => {
    const schedule = new RefreshSchedule('UTC')
    const onTick = DateTime.fromISO('2025-03-11T21:00:00', { zone: 'UTC' })

    assert.equal(schedule.nextTickAfter(onTick).toISO(), '2025-03-12T00:00:00.000Z')
    assert.equal(
      schedule.nextTickAfter(onTick.minus({ milliseconds: 1 })).toISO(),
      '2025-03-11T21:00:00.000Z'
    )
  })

  test('ticks are local times of SCHEDULER_TIMEZONE, across a DST change', ({ assert }) => {
    const schedule = new RefreshSchedule('Europe/Paris')
    // Paris switches to summer time on 2025-03-30 at 02:00.
    const after = DateTime.fromISO('2025-03-29T22:00:00', { zone: 'Europe/Paris' })

    const ticks = nextTicks(schedule, after, 14)

    assert.deepEqual(
      ticks.map((tick) => tick.setZone('Europe/Paris').toFormat('HH:mm')),
      [...SEVEN_TIMES, ...SEVEN_TIMES]
    )
    assert.equal(ticks[0].toUTC().toISO(), '2025-03-29T23:00:00.000Z')
    // 03:30 on the change day is already summer time (UTC+2).
    assert.equal(ticks[1].toUTC().toISO(), '2025-03-30T01:30:00.000Z')
  })

  test('agrees with node-cron on the next runs of the same expressions ({$self})')
    .with(['UTC', 'America/New_York', 'Asia/Kolkata'])
    .run(({ assert }, timezone) => {
      const schedule = new RefreshSchedule(timezone)
      const tasks = REFRESH_CRON_EXPRESSIONS.map((expression) =>
        cron.createTask(expression, () => {}, { timezone })
      )
      try {
        const fromCron = tasks
          .flatMap((task) => task.getNextRuns(7))
          .map((date) => date.getTime())
          .sort((a, b) => a - b)
          .slice(0, 7)
        const ours = nextTicks(schedule, DateTime.now(), 7).map((tick) => tick.toMillis())

        assert.deepEqual(ours, fromCron)
        for (const tick of ours) {
          assert.isTrue(tasks.some((task) => task.match(new Date(tick))))
        }
      } finally {
        tasks.forEach((task) => task.destroy())
      }
    })

  test('an unknown time zone is refused with a clear message', ({ assert }) => {
    assert.throws(
      () => new RefreshSchedule('Mars/Olympus'),
      /Invalid SCHEDULER_TIMEZONE "Mars\/Olympus"/
    )
  })
})
