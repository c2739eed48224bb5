import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { rateLimits } from '#config/limiter'
import { campaignTestSetup, submit } from '#tests/helpers/campaigns'
import { resetRateLimits } from '#tests/helpers/rate_limits'
import { bootWebInstance } from '#tests/helpers/web_instance'

/**
 * The limits of config/limiter.ts, counted in the test run's real Redis.
 * The limit runs before the action: requests to a campaign that does not
 * exist count like any other, which keeps these tests away from Twitch.
 */
test.group('Rate limits', (group) => {
  campaignTestSetup(group)
  group.each.setup(async () => {
    await resetRateLimits()
    return () => resetRateLimits()
  })

  /**
   * Sends `count` form posts as `user` and returns the statuses.
   */
  async function postMany(client: ApiClient, user: User, path: string, count: number) {
    const statuses: number[] = []
    for (let index = 0; index < count; index++) {
      const response = await submit(client, 'post', path, user)
      statuses.push(response.status())
    }
    return statuses
  }

  test('sign-in: over the limit per IP, a friendly 429 page with Retry-After', async ({
    client,
    assert,
  }) => {
    for (let index = 0; index < rateLimits.signIn.requests; index++) {
      const response = await client.get('/auth/twitch/redirect').redirects(0)
      response.assertStatus(302)
    }

    const refused = await client.get('/auth/twitch/redirect').redirects(0)

    refused.assertStatus(429)
    const retryAfter = Number(refused.header('retry-after'))
    assert.isAtLeast(retryAfter, 1)
    assert.isAtMost(retryAfter, 60)
    assert.include(refused.text(), 'Slow down a little')
    assert.include(refused.text(), 'Too many attempts in a short time')
    assert.equal(refused.header('x-ratelimit-limit'), String(rateLimits.signIn.requests))
  })

  test('a script asking for JSON gets a JSON 429', async ({ client, assert }) => {
    for (let index = 0; index < rateLimits.signIn.requests; index++) {
      await client.get('/auth/twitch/redirect').redirects(0)
    }

    const refused = await client
      .get('/auth/twitch/redirect')
      .header('Accept', 'application/json')
      .redirects(0)

    refused.assertStatus(429)
    refused.assertHeader('content-type', 'application/json; charset=utf-8')
    const body = refused.body() as { errors: { message: string }[] }
    assert.match(
      body.errors[0].message,
      /^Too many attempts in a short time\. Please try again in \d+ (seconds?|minutes?)\.$/
    )
  })

  test('invitations: limited per GM, another GM is not affected', async ({ client, assert }) => {
    const gm = await UserFactory.create()
    const otherGm = await UserFactory.create()
    const path = '/campaigns/2147483647/invitations'

    const statuses = await postMany(client, gm, path, rateLimits.invitations.requests + 1)

    assert.notInclude(statuses.slice(0, -1), 429)
    assert.equal(statuses.at(-1), 429)
    const otherResponse = await submit(client, 'post', path, otherGm)
    assert.notEqual(otherResponse.status(), 429)
  })

  test('readiness "Check now": limited per user', async ({ client, assert }) => {
    const gm = await UserFactory.create()
    const path = '/campaigns/2147483647/readiness/check'

    const statuses = await postMany(client, gm, path, rateLimits.readinessChecks.requests + 1)

    assert.notInclude(statuses.slice(0, -1), 429)
    assert.equal(statuses.at(-1), 429)
  })

  test('poll launches: limited per user', async ({ client, assert }) => {
    const gm = await UserFactory.create()
    const path = '/campaigns/2147483647/polls/1/launch'

    const statuses = await postMany(client, gm, path, rateLimits.pollLaunches.requests + 1)

    assert.notInclude(statuses.slice(0, -1), 429)
    assert.equal(statuses.at(-1), 429)
  })

  test('the count is shared by every instance (it lives in Redis)', async ({ client, assert }) => {
    const other = await bootWebInstance()
    try {
      for (let index = 0; index < rateLimits.signIn.requests; index++) {
        await client.get('/auth/twitch/redirect').redirects(0)
      }

      const response = await fetch(`${other.url}/auth/twitch/redirect`, { redirect: 'manual' })

      assert.equal(response.status, 429)
    } finally {
      await other.stop()
    }
  }).timeout(60_000)
})
