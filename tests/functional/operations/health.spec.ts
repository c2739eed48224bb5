import { test } from '@japa/runner'

/**
 * `GET /health` with PostgreSQL and Redis up (the outage cases run against
 * app instances of their own: outages.spec.ts).
 */
test.group('GET /health', () => {
  test('answers 200 with every check ok', async ({ client }) => {
    const response = await client.get('/health')

    response.assertStatus(200)
    response.assertBody({ status: 'ok', checks: { database: 'ok', redis: 'ok' } })
    response.assertHeader('cache-control', 'no-store')
  })

  test('needs no session: no session cookie is set', async ({ client, assert }) => {
    const response = await client.get('/health')

    const cookies = response.headers()['set-cookie'] ?? []
    assert.isFalse([cookies].flat().some((cookie: string) => cookie.startsWith('chorus-session')))
  })
})
