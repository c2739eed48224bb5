import { test } from '@japa/runner'
import { PushSettings } from '#services/push/push_settings'
import { HostResolver, PushEndpointGuard } from '#services/push/push_endpoint_guard'
import { PushEndpointRefused } from '#services/domain_errors'

/** A resolver answering from a table; an unknown name does not resolve. */
class TableResolver extends HostResolver {
  readonly asked: string[] = []

  constructor(private table: Record<string, string[]>) {
    super()
  }

  async resolve(hostname: string) {
    this.asked.push(hostname)
    const found = this.table[hostname]
    if (!found)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    return found
  }
}

function guard(allowPrivateEndpoints: boolean, table: Record<string, string[]> = {}) {
  const resolver = new TableResolver(table)
  return {
    resolver,
    guard: new PushEndpointGuard(new PushSettings({ allowPrivateEndpoints }), resolver),
  }
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof PushEndpointRefused) return error.message
    throw error
  }
  return null
}

test.group('PushEndpointGuard', () => {
  test('an https endpoint whose host resolves to public addresses passes', async ({ assert }) => {
    const { guard: check } = guard(false, {
      'fcm.googleapis.com': ['142.250.74.106', '2a00:1450:4007:80e::200a'],
    })
    const url = await check.check('https://fcm.googleapis.com/fcm/send/abc')
    assert.equal(url.hostname, 'fcm.googleapis.com')
  })

  test('http, credentials, non-URLs and very long endpoints are refused', async ({ assert }) => {
    const { guard: check } = guard(false, { 'push.example.com': ['93.184.215.14'] })
    assert.include(await refusal(check.check('http://push.example.com/x')), 'https:')
    assert.include(await refusal(check.check('https://user:pw@push.example.com/x')), 'credentials')
    assert.include(await refusal(check.check('push.example.com/x')), 'URL')
    assert.include(
      await refusal(check.check(`https://push.example.com/${'a'.repeat(2100)}`)),
      'too long'
    )
  })

  test('private literals and names resolving to them are refused', async ({ assert }) => {
    const { guard: check, resolver } = guard(false, {
      'metadata.internal': ['169.254.169.254'],
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
      'localhost': ['127.0.0.1', '::1'],
    })
    for (const endpoint of [
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:192.168.0.1]/x',
      'https://10.1.1.1:8443/x',
      'https://metadata.internal/x',
      'https://mixed.example.com/x',
      'https://localhost/x',
    ]) {
      assert.include(await refusal(check.check(endpoint)), 'public host', endpoint)
    }
    assert.notInclude(resolver.asked, '127.0.0.1', 'an IP literal is not resolved')
  })

  test('a host that does not resolve is refused', async ({ assert }) => {
    const { guard: check } = guard(false)
    assert.include(await refusal(check.check('https://nowhere.invalid/x')), 'could not be resolved')
  })

  test('with private endpoints allowed, http and loopback pass without resolving', async ({
    assert,
  }) => {
    const { guard: check, resolver } = guard(true)
    await check.check('http://127.0.0.1:4000/push/1')
    await check.check('https://localhost/push/1')
    assert.deepEqual(resolver.asked, [])
    assert.include(await refusal(check.check('ftp://127.0.0.1/x')), 'https:')
  })
})
