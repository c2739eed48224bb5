import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { assertInputError } from '#tests/helpers/validation'
import { apiCall, apiTestSetup, apiTokenOf } from '#tests/helpers/api'

/**
 * The settings page of personal access tokens: create (shown once), list,
 * revoke — a signed-in page with CSRF.
 */
test.group('API tokens page', (group) => {
  apiTestSetup(group)

  test('creating a token redirects to the list showing its value once; the value works on the API and is not shown again', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()

    const created = await client
      .post('/settings/api-tokens')
      .loginAs(user)
      .withCsrfToken()
      .form({ name: 'Foundry macro', expires_in_days: '90' })
      .redirects(0)

    // Post/redirect/get: reloading the page that shows the value makes no second token.
    created.assertStatus(302)
    assert.equal(created.header('location'), '/settings/api-tokens')
    const shown = await client
      .get('/settings/api-tokens')
      .loginAs(user)
      .withFlashMessages(created.flashMessages())
    shown.assertStatus(200)
    assert.equal(shown.header('cache-control'), 'no-store')
    const value = shown.text().match(/value="(chorus_[^"]+)"/)?.[1]
    assert.isString(value)
    const me = await apiCall(client, 'get', '/api/v1/me', value!)
    me.assertStatus(200)
    assert.equal(me.body().id, user.id)

    const row = await db.from('auth_access_tokens').firstOrFail()
    assert.equal(row.name, 'Foundry macro')
    assert.equal(row.tokenable_id, user.id)
    const days = (row.expires_at.getTime() - Date.now()) / 86_400_000
    assert.closeTo(days, 90, 0.01)

    const page = await client.get('/settings/api-tokens').loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('Foundry macro')
    // When it was made, last used (the call above) and expires.
    assert.lengthOf(page.text().match(/<time datetime=/g) ?? [], 3)
    assert.notInclude(page.text(), value!)
    assert.notInclude(page.text(), row.hash)
  })

  test('without the CSRF token nothing is created; a blank name or control characters are sent back with a message', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()

    const forged = await client
      .post('/settings/api-tokens')
      .loginAs(user)
      .form({ name: 'Forged' })
      .redirects(0)
    assert.notEqual(forged.status(), 200)

    const blank = await client
      .post('/settings/api-tokens')
      .loginAs(user)
      .withCsrfToken()
      .form({ name: '  ' })
      .redirects(0)
    blank.assertStatus(302)
    assertInputError(blank, 'name', 'Give it a name.')

    // An escape sequence in a name could rewrite what `node ace api:token` prints.
    const escape = await client
      .post('/settings/api-tokens')
      .loginAs(user)
      .withCsrfToken()
      .form({ name: 'Bad\u001b[2Jname' })
      .redirects(0)
    escape.assertStatus(302)
    assertInputError(escape, 'name', 'A name cannot contain control characters.')

    const count = await db.from('auth_access_tokens').count('* as total').firstOrFail()
    assert.equal(Number(count.total), 0)
  })

  test("lists only the user's own tokens; revoking one stops it at once; someone else's is a 404", async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.create()
    const other = await UserFactory.create()
    const kept = await apiTokenOf(user, 'Stream Deck')
    const revoked = await apiTokenOf(user, 'Old bot')
    const othersToken = await apiTokenOf(other, 'Somebody else')
    const rows = await db.from('auth_access_tokens').orderBy('id')
    const [, revokedRow, othersRow] = rows

    const page = await client.get('/settings/api-tokens').loginAs(user)
    page.assertTextIncludes('Stream Deck')
    page.assertTextIncludes('Old bot')
    assert.notInclude(page.text(), 'Somebody else')

    const revoke = await client
      .delete(`/settings/api-tokens/${revokedRow.id}`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    revoke.assertStatus(302)
    revoke.assertFlashMessage('success', 'Token "Old bot" revoked: it no longer works.')
    const afterRevoke = await apiCall(client, 'get', '/api/v1/me', revoked)
    afterRevoke.assertStatus(401)
    const stillKept = await apiCall(client, 'get', '/api/v1/me', kept)
    stillKept.assertStatus(200)

    const notYours = await client
      .delete(`/settings/api-tokens/${othersRow.id}`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    notYours.assertStatus(404)
    const othersStill = await apiCall(client, 'get', '/api/v1/me', othersToken)
    othersStill.assertStatus(200)
  })
})
