import { test } from '@japa/runner'
import { databaseServer } from '#config/database'
import { unreachableDependency } from '#services/availability/outage_errors'

function withCode(message: string, code: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { code, ...extra })
}

test.group('unreachableDependency', () => {
  test('Redis client failures name Redis', ({ assert }) => {
    const maxRetries = new Error('Reached the max retries per request limit (which is 1).')
    maxRetries.name = 'MaxRetriesPerRequestError'
    assert.equal(unreachableDependency(maxRetries), 'redis')
    assert.equal(unreachableDependency(new Error('Connection is closed.')), 'redis')
  })

  test('socket failures and PostgreSQL shutdown codes name the database', ({ assert }) => {
    assert.equal(
      unreachableDependency(
        withCode('connect ECONNREFUSED', 'ECONNREFUSED', { port: databaseServer.port })
      ),
      'database'
    )
    assert.equal(unreachableDependency(withCode('terminating connection', '57P01')), 'database')
    assert.equal(unreachableDependency(withCode('cannot connect now', '57P03')), 'database')
    assert.equal(unreachableDependency(withCode('connection failure', '08006')), 'database')
    assert.equal(unreachableDependency(new Error('Connection terminated unexpectedly')), 'database')
  })

  test('a socket error from another server is not a database outage', ({ assert }) => {
    const elsewhere = withCode('connect ECONNREFUSED 10.0.0.9:443', 'ECONNREFUSED', {
      address: '10.0.0.9',
      port: 443,
    })
    assert.isNull(unreachableDependency(elsewhere))
  })

  test('bugs, bad input and constraint violations are not outages', ({ assert }) => {
    assert.isNull(unreachableDependency(new TypeError('x is undefined')))
    assert.isNull(unreachableDependency(withCode('duplicate key value', '23505')))
    assert.isNull(unreachableDependency(withCode('value out of range for type integer', '22003')))
    assert.isNull(unreachableDependency('a string'))
  })
})
