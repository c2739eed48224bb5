import { isIP } from 'node:net'

/**
 * Which IP addresses the server may send a push request to when private
 * endpoints are not allowed: public unicast only. Loopback, unspecified,
 * link-local, private (RFC 1918), ULA, carrier-grade NAT, multicast,
 * documentation and reserved ranges are refused, for IPv4 and IPv6 alike; an
 * IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64, 6to4) is judged
 * by the IPv4 address inside it.
 */

type Range = readonly [prefix: readonly number[], bits: number]

const NON_PUBLIC_V4: readonly Range[] = [
  [[0, 0, 0, 0], 8], // "this network", unspecified
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local (cloud metadata lives here)
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
]

/** Global unicast: every public IPv6 address is inside 2000::/3. */
const GLOBAL_UNICAST_V6: Range = [[0x20, 0], 3]

const NON_PUBLIC_V6_IN_GLOBAL: readonly Range[] = [
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking)
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x3f, 0xff], 20], // documentation
]

/** IPv6 prefixes that carry an IPv4 address, and where it sits. */
const EMBEDDED_V4: readonly (readonly [Range, offset: number])[] = [
  [[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96], 12], // ::ffff:a.b.c.d (IPv4-mapped)
  [[[0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96], 12], // 64:ff9b::a.b.c.d (NAT64)
  [[[0x20, 0x02], 16], 2], // 2002:aabb:ccdd:: (6to4)
]

/**
 * True when `address` (an IPv4 or IPv6 literal) is a public unicast address.
 * Anything that is not an IP literal is not public.
 */
export function isPublicAddress(address: string): boolean {
  const bytes = parseAddress(address)
  if (bytes === null) return false
  if (bytes.length === 4) return isPublicV4(bytes)

  for (const [range, offset] of EMBEDDED_V4) {
    if (inRange(bytes, range)) return isPublicV4(bytes.slice(offset, offset + 4))
  }
  return (
    inRange(bytes, GLOBAL_UNICAST_V6) &&
    !NON_PUBLIC_V6_IN_GLOBAL.some((range) => inRange(bytes, range))
  )
}

/**
 * The bytes of an IP literal (4 for IPv4, 16 for IPv6), or null. Accepts an
 * IPv6 literal in URL brackets and drops a zone id (`fe80::1%eth0`).
 */
export function parseAddress(address: string): number[] | null {
  const literal = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(literal)
  if (family === 4) return literal.split('.').map(Number)
  if (family === 6) return parseV6(literal)
  return null
}

/**
 * An address or CIDR range (`10.0.0.0/8`, `::1`, `fd00::/8`) as the bytes of
 * its prefix and its length in bits; null when it is neither.
 */
function parseAddressRange(text: string): Range | null {
  const [literal, bitsText, extra] = text.trim().split('/')
  if (extra !== undefined || !literal) return null
  const bytes = parseAddress(literal)
  if (bytes === null) return null
  const maxBits = bytes.length * 8
  if (bitsText === undefined) return [bytes, maxBits]
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) return null
  return [bytes, Number(bitsText)]
}

/**
 * A comma-separated list of addresses and ranges (an empty text: none).
 * Throws, naming the entry, when one is neither.
 */
export function parseAddressList(list: string): Range[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const range = parseAddressRange(entry)
      if (!range) throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`)
      return range
    })
}

/** True when `address` is inside `range` (same IP family). */
export function isInRange(address: string, range: Range) {
  const bytes = parseAddress(address)
  return bytes !== null && bytes.length === range[0].length && inRange(bytes, range)
}

function isPublicV4(bytes: readonly number[]) {
  return !NON_PUBLIC_V4.some((range) => inRange(bytes, range))
}

function parseV6(literal: string): number[] {
  let text = literal.toLowerCase()
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const quad = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/)
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number)
    text =
      text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0')
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups]
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16)
    return [value >> 8, value & 0xff]
  })
}

function inRange(bytes: readonly number[], [prefix, bits]: Range) {
  for (let bit = 0; bit < bits; bit += 8) {
    const index = bit / 8
    const width = Math.min(8, bits - bit)
    const mask = (0xff << (8 - width)) & 0xff
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false
  }
  return true
}
