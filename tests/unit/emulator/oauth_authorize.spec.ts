import { test } from '@japa/runner'
import { CLIENT, newEmulator, postForm, REDIRECT_URI } from './helpers.js'

const AUTHORIZE_FIELDS = {
  client_id: CLIENT.clientId,
  redirect_uri: REDIRECT_URI,
  response_type: 'code',
  scope: 'channel:manage:polls user:read:email',
  state: 'opaque-state-123',
}

test.group('Twitch emulator | OAuth authorize page', (group) => {
  const emulator = newEmulator()

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => emulator.state.reset())

  const authorizeUrl = (fields: Record<string, string>) =>
    `${emulator.oauthUrl}/authorize?${new URLSearchParams(fields).toString()}`

  test('lists every seeded user with an "Authorize as" button and a Deny button', async ({
    assert,
  }) => {
    const response = await fetch(authorizeUrl(AUTHORIZE_FIELDS))
    const html = await response.text()

    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /text\/html/)
    for (const login of ['aria_plays', 'bram_rolls', 'cass_casts', 'dorian_dm', 'plain_pat']) {
      assert.include(html, `data-login="${login}"`)
    }
    assert.include(html, 'Authorize as Aria_Plays')
    assert.include(html, 'Authorize as Dorian_DM')
    assert.include(html, 'id="deny"')
    // The requested scopes are shown and every form carries the request back.
    assert.include(html, 'channel:manage:polls')
    assert.include(html, 'name="state" value="opaque-state-123"')
  })

  test('escapes what it echoes, so a hostile state cannot inject markup', async ({ assert }) => {
    const response = await fetch(
      authorizeUrl({ ...AUTHORIZE_FIELDS, state: '"><script>alert(1)</script>' })
    )
    const html = await response.text()

    assert.equal(response.status, 200)
    assert.notInclude(html, '<script>alert(1)</script>')
    assert.include(html, '&quot;&gt;&lt;script&gt;')
  })

  test('answers 400 for an unknown client_id', async ({ assert }) => {
    const response = await fetch(authorizeUrl({ ...AUTHORIZE_FIELDS, client_id: 'nope' }))
    assert.equal(response.status, 400)
    assert.include(await response.text(), 'Invalid client')
  })

  test('answers 400 when response_type is not code', async ({ assert }) => {
    const response = await fetch(authorizeUrl({ ...AUTHORIZE_FIELDS, response_type: 'token' }))
    assert.equal(response.status, 400)
    assert.include(await response.text(), 'response_type')
  })

  test('answers 400 without a usable redirect_uri', async ({ assert }) => {
    const response = await fetch(authorizeUrl({ ...AUTHORIZE_FIELDS, redirect_uri: 'not a url' }))
    assert.equal(response.status, 400)
  })

  test('approve redirects back with a code, the scopes and the state', async ({ assert }) => {
    const response = await postForm(`${emulator.oauthUrl}/authorize`, {
      ...AUTHORIZE_FIELDS,
      user_id: '1002',
      decision: 'approve',
    })

    assert.equal(response.status, 302)
    const location = new URL(response.headers.get('location') ?? '')
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI)
    assert.match(location.searchParams.get('code') ?? '', /^[a-z0-9]{30}$/)
    assert.equal(location.searchParams.get('scope'), 'channel:manage:polls user:read:email')
    assert.equal(location.searchParams.get('state'), 'opaque-state-123')
    assert.equal(emulator.state.stats().byUser['1002'].authorize, 1)
  })

  test('deny redirects back with access_denied and the state', async ({ assert }) => {
    const response = await postForm(`${emulator.oauthUrl}/authorize`, {
      ...AUTHORIZE_FIELDS,
      decision: 'deny',
    })

    assert.equal(response.status, 302)
    const location = new URL(response.headers.get('location') ?? '')
    assert.equal(location.searchParams.get('error'), 'access_denied')
    assert.equal(location.searchParams.get('error_description'), 'The user denied you access')
    assert.equal(location.searchParams.get('state'), 'opaque-state-123')
    assert.isNull(location.searchParams.get('code'))
  })

  test('approve for an unknown user, or a forged client, is refused with 400', async ({
    assert,
  }) => {
    const unknownUser = await postForm(`${emulator.oauthUrl}/authorize`, {
      ...AUTHORIZE_FIELDS,
      user_id: '999999',
      decision: 'approve',
    })
    const forgedClient = await postForm(`${emulator.oauthUrl}/authorize`, {
      ...AUTHORIZE_FIELDS,
      client_id: 'forged',
      user_id: '1001',
      decision: 'approve',
    })

    assert.equal(unknownUser.status, 400)
    assert.equal(forgedClient.status, 400)
  })

  test('users created through the state appear on the page', async ({ assert }) => {
    emulator.state.createUser({ login: 'newcomer_nia', displayName: 'Newcomer_Nia' })
    const response = await fetch(authorizeUrl(AUTHORIZE_FIELDS))
    const html = await response.text()
    assert.include(html, 'Authorize as Newcomer_Nia')
  })
})
