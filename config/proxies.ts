import env from '#start/env'
import { isInRange, parseAddressList } from '#services/push/network_address'

/**
 * The reverse proxies whose `X-Forwarded-For` is believed (TRUSTED_PROXIES:
 * addresses or CIDR ranges, comma-separated; empty = none, validated by
 * start/env.ts). From anyone else the header could be forged to dodge the
 * per-address limits, so the connection's own address counts
 * (docs/operations.md, "Behind a reverse proxy").
 */
const proxies = parseAddressList(env.get('TRUSTED_PROXIES') ?? '')

/** Adonis's `trustProxy`: is the peer at `address` one of our proxies? */
export function isTrustedProxy(address: string) {
  return proxies.some((range) => isInRange(address, range))
}
