import { test } from '@japa/runner'
import { CLIENT, helixGet, helixHeaders, newEmulator, readJson, refreshGrant } from './helpers.js'
import type { HelixErrorBody } from './helpers.js'

interface UsersBody {
  data: Record<string, unknown>[]
}

test.group('Twitch emulator | Helix users and authentication', (group) => {
  const emulator = newEmulator({
    clients: [CLIENT, { clientId: 'other-app', clientSecret: 'other-secret' }],
  })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => emulator.state.reset())

  test("without parameters answers the token's own user, with email", async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const response = await helixGet(emulator, '/users', accessToken)
    const body = await readJson<UsersBody>(response)

    assert.equal(response.status, 200)
    assert.lengthOf(body.data, 1)
    assert.containsSubset(body.data[0], {
      id: '1001',
      login: 'aria_plays',
      display_name: 'Aria_Plays',
      type: '',
      broadcaster_type: 'partner',
      view_count: 0,
      email: 'aria_plays@example.test',
    })
    assert.match(String(body.data[0].profile_image_url), /^data:image\/svg\+xml;base64,/)
    assert.isString(body.data[0].created_at)
  })

  test('leaves email out without the user:read:email scope', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001', ['channel:manage:polls'])
    const body = await readJson<UsersBody>(await helixGet(emulator, '/users', accessToken))
    assert.notProperty(body.data[0], 'email')
  })

  test('looks users up by repeated id and login, and never shows their email', async ({
    assert,
  }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const response = await helixGet(
      emulator,
      '/users?id=1002&login=CASS_CASTS&login=plain_pat&login=nobody_here',
      accessToken
    )
    const body = await readJson<UsersBody>(response)

    assert.equal(response.status, 200)
    assert.deepEqual(
      body.data.map((user) => user.login),
      ['bram_rolls', 'cass_casts', 'plain_pat']
    )
    assert.deepEqual(
      body.data.map((user) => user.broadcaster_type),
      ['affiliate', 'affiliate', '']
    )
    for (const user of body.data) {
      assert.notProperty(user, 'email')
    }
  })

  test('refuses more than 100 ids and logins together', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const query = Array.from({ length: 101 }, (_, index) => `id=${index}`).join('&')
    const response = await helixGet(emulator, `/users?${query}`, accessToken)
    assert.equal(response.status, 400)
  })

  test('works with an app token when a user is named, and needs one otherwise', async ({
    assert,
  }) => {
    const { accessToken } = emulator.state.issueAppToken()
    const named = await helixGet(emulator, '/users?login=dorian_dm', accessToken)
    const unnamed = await helixGet(emulator, '/users', accessToken)

    assert.equal(named.status, 200)
    const namedBody = await readJson<UsersBody>(named)
    assert.equal(namedBody.data[0].id, '1004')
    assert.equal(unnamed.status, 400)
  })

  test('401 without a token, with an unknown token, and without Client-Id', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const noToken = await fetch(`${emulator.helixUrl}/users`, {
      headers: { 'Client-Id': CLIENT.clientId },
    })
    const badToken = await helixGet(emulator, '/users', 'bogus')
    const noClientId = await fetch(`${emulator.helixUrl}/users`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    })

    assert.equal(noToken.status, 401)
    assert.equal(badToken.status, 401)
    assert.deepEqual(await readJson(badToken), {
      error: 'Unauthorized',
      status: 401,
      message: 'Invalid OAuth token',
    })
    assert.equal(noClientId.status, 401)
  })

  test('401 when the Client-Id is not the client the token was issued to', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const response = await fetch(`${emulator.helixUrl}/users`, {
      headers: helixHeaders(accessToken, 'other-app'),
    })
    const body = await readJson<HelixErrorBody>(response)

    assert.equal(response.status, 401)
    assert.equal(body.message, 'Client ID and OAuth token do not match')
  })

  test('an OAuth (not Bearer) Authorization header is not accepted by Helix', async ({
    assert,
  }) => {
    const { accessToken } = emulator.state.issueTokens('1001')
    const response = await fetch(`${emulator.helixUrl}/users`, {
      headers: { 'Authorization': `OAuth ${accessToken}`, 'Client-Id': CLIENT.clientId },
    })
    assert.equal(response.status, 401)
  })

  test('invalidateAccess turns current access tokens away; a refresh recovers', async ({
    assert,
  }) => {
    const issued = emulator.state.issueTokens('1003')
    emulator.state.invalidateAccess('1003')

    const rejected = await helixGet(emulator, '/users', issued.accessToken)
    assert.equal(rejected.status, 401)

    const refreshed = await readJson<{ access_token: string }>(
      await refreshGrant(emulator, issued.refreshToken)
    )
    const accepted = await helixGet(emulator, '/users', refreshed.access_token)
    assert.equal(accepted.status, 200)
  })

  test('counts Helix calls overall and per user', async ({ assert }) => {
    const { accessToken } = emulator.state.issueTokens('1002')
    await helixGet(emulator, '/users', accessToken)
    await helixGet(emulator, '/users', 'bogus')

    const stats = emulator.state.stats()
    assert.equal(stats.helixCalls, 2)
    assert.equal(stats.counts.users, 2)
    assert.equal(stats.failures.users, 1)
    assert.equal(stats.byUser['1002'].users, 1)
  })
})
