import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { FixedClock } from '#tests/helpers/fixed_clock'
import { ServiceAvailability } from '#services/availability/service_availability'

test.group('ServiceAvailability', () => {
  test('an outage starts once however many failures report it, and ends once', ({ assert }) => {
    const availability = new ServiceAvailability(new FixedClock(DateTime.now()))

    assert.isTrue(availability.markDown('redis', new Error('ECONNREFUSED')))
    assert.isFalse(availability.markDown('redis', new Error('ECONNREFUSED')))
    assert.isFalse(availability.markDown('redis', new Error('ECONNREFUSED')))
    assert.deepEqual(availability.down(), ['redis'])
    assert.isTrue(availability.isDown('redis'))
    assert.isFalse(availability.isDown('database'))

    availability.markUp('redis')
    availability.markUp('redis')
    assert.deepEqual(availability.down(), [])

    assert.isTrue(availability.markDown('redis', new Error('again')), 'a new outage')
  })

  test('both dependencies are tracked apart, in a stable order', ({ assert }) => {
    const availability = new ServiceAvailability(new FixedClock(DateTime.now()))
    availability.markDown('redis', 'down')
    availability.markDown('database', 'down')

    assert.deepEqual(availability.down(), ['database', 'redis'])
    availability.markUp('database')
    assert.deepEqual(availability.down(), ['redis'])
  })
})
