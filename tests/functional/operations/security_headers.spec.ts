import { test } from '@japa/runner'
import { UserFactory } from '#database/factories/user_factory'

function nonceOf(policy: string | undefined = '') {
  return policy.match(/script-src 'self' 'nonce-([^']+)'/)?.[1]
}

/**
 * Every page carries the Content-Security-Policy (with a fresh nonce per
 * request), Referrer-Policy and Permissions-Policy. That pages keep working
 * under the policy is checked in Chromium (tests/browser/security_headers.spec.ts).
 */
test.group('Security headers on pages', () => {
  test('the landing page has the three headers', async ({ client, assert }) => {
    const response = await client.get('/')

    response.assertStatus(200)
    const policy = response.header('content-security-policy') ?? ''
    assert.include(policy, "default-src 'self'")
    assert.match(policy, /script-src 'self' 'nonce-[A-Za-z0-9+/=_-]{16,}'/)
    assert.match(policy, /style-src 'self' 'nonce-[A-Za-z0-9+/=_-]{16,}'/)
    assert.include(policy, "object-src 'none'")
    assert.include(policy, "frame-ancestors 'none'")
    assert.notInclude(policy, 'unsafe-inline')
    assert.notInclude(policy, 'unsafe-eval')
    response.assertHeader('referrer-policy', 'strict-origin-when-cross-origin')
    assert.include(response.header('permissions-policy') ?? '', 'camera=()')
    assert.include(response.header('permissions-policy') ?? '', 'geolocation=()')
  })

  test('each request gets its own nonce', async ({ client, assert }) => {
    const firstResponse = await client.get('/')
    const secondResponse = await client.get('/')
    const first = nonceOf(firstResponse.header('content-security-policy'))
    const second = nonceOf(secondResponse.header('content-security-policy'))

    assert.isString(first)
    assert.notEqual(first, second)
  })

  test('signed-in pages and error pages carry them too', async ({ client, assert }) => {
    const user = await UserFactory.create()
    for (const path of ['/dashboard', '/account', '/campaigns/2147483647']) {
      const response = await client.get(path).loginAs(user)
      assert.include(response.header('content-security-policy') ?? '', "default-src 'self'", path)
      assert.equal(response.header('referrer-policy'), 'strict-origin-when-cross-origin', path)
    }
  })

  test('no page of Chorus uses an inline style attribute or inline handler', async ({ assert }) => {
    const { readdir, readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    const root = fileURLToPath(new URL('../../../resources/views/', import.meta.url))
    const entries = await readdir(root, { recursive: true })
    const files = entries.filter((file) => file.endsWith('.edge'))
    for (const file of files) {
      const source = await readFile(`${root}${file}`, 'utf8')
      assert.notMatch(source, /\sstyle=["']/, file)
      assert.notMatch(source, /\son[a-z]+=["']/, file)
      // An inline script must carry the nonce, unless it is data (not run).
      for (const tag of source.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []) {
        assert.isTrue(
          tag.includes('cspNonce') || tag.includes('application/json'),
          `${file}: ${tag}`
        )
      }
    }
  })
})
