import { test } from '@japa/runner'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { emptyDatabase } from '#tests/helpers/empty_database'
import { HttpSession, signInWithTwitch } from '#tests/helpers/http_session'
import { SEEDED, connectedStreamer } from '#tests/helpers/campaigns'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { startWebProcess, type WebProcess } from '#tests/helpers/web_process'

/**
 * What the developer's error page would leak: stack frames, request
 * headers, cookies.
 */
function assertNothingLeaks(
  assert: { notMatch(a: string, b: RegExp, message?: string): void },
  body: string
) {
  assert.notMatch(body, /\bat [\w.<>]+ \(|node_modules|\.ts:\d+/, 'no stack frames')
  assert.notMatch(body, /adonis-session|XSRF-TOKEN|user-agent/i, 'no cookies or headers')
}

/**
 * The demo runs with NODE_ENV=development: people still get the friendly
 * pages there, never the framework's developer page.
 */
test.group('Error pages in development', (group) => {
  group.each.timeout(60_000)
  let web: WebProcess

  group.setup(async () => {
    web = await startWebProcess({ NODE_ENV: 'development' })
    return async () => {
      await web.stop()
    }
  })
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    return emptyDatabase()
  })

  test('an unknown page is the friendly 404, as HTML and as JSON', async ({ assert }) => {
    const session = new HttpSession(web.url)
    const page = await session.get('/no-such-page')
    const body = await page.text()

    assert.equal(page.status, 404)
    assert.include(body, 'There is nothing here, or it is not yours to see.')
    assertNothingLeaks(assert, body)

    const json = await session.send('/no-such-page', {
      method: 'GET',
      headers: { Accept: 'application/json' },
    })
    assert.equal(json.status, 404)
    assert.notProperty(await json.json(), 'frames')
  })

  test('a GM-only page opened by a signed-in member is the friendly 403', async ({ assert }) => {
    const gm = await connectedStreamer(SEEDED.dorian)
    const bram = await connectedStreamer(SEEDED.bram)
    const campaign = await CampaignFactory.merge({ ownerId: gm.userId }).create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: bram.id,
      status: 'active',
    }).create()

    const session = new HttpSession(web.url)
    const signedIn = await signInWithTwitch(session, SEEDED.bram.id)
    assert.equal(signedIn.status, 302)

    const page = await session.get(`/campaigns/${campaign.id}/readiness`)
    const body = await page.text()

    assert.equal(page.status, 403)
    assert.include(body, 'You are not allowed to do that.')
    assertNothingLeaks(assert, body)
  })
})

test.group('Error pages in development: a server error', (group) => {
  group.each.timeout(60_000)
  let web: WebProcess

  group.setup(async () => {
    // A database that does not exist: the first query of a sign-in fails.
    web = await startWebProcess({ NODE_ENV: 'development', DB_DATABASE: 'chorus_no_such_db' })
    return async () => {
      await web.stop()
    }
  })
  group.each.setup(() => twitchEmulator.state.reset())

  test('is the friendly 500 page; the details are in the log', async ({ assert }) => {
    const session = new HttpSession(web.url)
    const callback = await signInWithTwitch(session, SEEDED.bram.id)
    const body = await callback.text()

    assert.equal(callback.status, 500)
    assert.include(body, 'Chorus could not complete this request.')
    assert.notInclude(body, 'chorus_no_such_db')
    assertNothingLeaks(assert, body)
    assert.include(web.output(), 'chorus_no_such_db', 'the log says what went wrong')
  })
})
