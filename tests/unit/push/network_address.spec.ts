import { test } from '@japa/runner'
import {
  isInRange,
  isPublicAddress,
  parseAddress,
  parseAddressList,
} from '#services/push/network_address'

test.group('Push endpoint addresses', () => {
  test('public unicast addresses are public')
    .with([
      '8.8.8.8',
      '142.250.74.106',
      '93.184.215.14',
      '172.32.0.1',
      '100.128.0.1',
      '2607:f8b0:4004:c07::5f',
      '2a00:1450:4007:80e::200a',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:0808:0808::1',
      '[2606:4700::6810:84e5]',
    ])
    .run(({ assert }, address) => {
      assert.isTrue(isPublicAddress(address), address)
    })

  test('loopback, private, link-local, ULA, multicast and reserved addresses are not')
    .with([
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '192.0.2.10',
      '198.18.0.1',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      '::',
      '::1',
      '[::1]',
      'fe80::1',
      'fe80::1%eth0',
      'fc00::1',
      'fd12:3456:789a::1',
      'ff02::1',
      'fec0::1',
      '2001:db8::1',
      '2001::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::7f00:1',
      '2002:7f00:0001::1',
      '::127.0.0.1',
    ])
    .run(({ assert }, address) => {
      assert.isFalse(isPublicAddress(address), address)
    })

  test('names and garbage are not addresses', ({ assert }) => {
    for (const value of ['localhost', 'push.example.com', '', '1.2.3', '999.1.1.1', ':::1']) {
      assert.isNull(parseAddress(value), value)
      assert.isFalse(isPublicAddress(value), value)
    }
  })

  test('IPv6 literals are read byte by byte', ({ assert }) => {
    assert.deepEqual(parseAddress('::1'), [...new Array(15).fill(0), 1])
    assert.deepEqual(parseAddress('::ffff:1.2.3.4')!.slice(10), [0xff, 0xff, 1, 2, 3, 4])
    assert.deepEqual(
      parseAddress('2001:db8::ff00:42:8329'),
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29]
    )
  })
})

test.group('Address lists (TRUSTED_PROXIES)', () => {
  test('addresses and CIDR ranges of both families, spaces and empty entries allowed', ({
    assert,
  }) => {
    const ranges = parseAddressList(' 10.0.0.0/8, 127.0.0.1 ,, ::1, fd00::/8')

    assert.lengthOf(ranges, 4)
    const trusted = (address: string) => ranges.some((range) => isInRange(address, range))
    assert.isTrue(trusted('10.200.3.4'))
    assert.isTrue(trusted('127.0.0.1'))
    assert.isTrue(trusted('::1'))
    assert.isTrue(trusted('fd12:3456::1'))
    assert.isFalse(trusted('127.0.0.2'))
    assert.isFalse(trusted('11.0.0.1'))
    assert.isFalse(trusted('fe80::1'))
    assert.isFalse(trusted('not an address'))
  })

  test('an empty list trusts nobody', ({ assert }) => {
    assert.deepEqual(parseAddressList(''), [])
  })

  test('a bad entry is named in the error', ({ assert }) => {
    assert.throws(() => parseAddressList('10.0.0.0/8, proxy.local'), /"proxy.local" is not an IP/)
    assert.throws(() => parseAddressList('10.0.0.0/33'), /"10.0.0.0\/33"/)
    assert.throws(() => parseAddressList('10.0.0.0/8/1'), /is not an IP/)
  })
})
