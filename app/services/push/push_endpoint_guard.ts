import { lookup } from 'node:dns/promises'
import { inject } from '@adonisjs/core'
import { PushSettings } from '#services/push/push_settings'
import { isPublicAddress, parseAddress } from '#services/push/network_address'
import { PushEndpointRefused } from '#services/domain_errors'

/** Longest endpoint accepted (real push services use well under 1 KB). */
export const MAX_ENDPOINT_LENGTH = 2048

/**
 * Resolves a host name to every address it has. Injectable so tests can
 * make a public-looking name resolve to a private address.
 */
export class HostResolver {
  async resolve(hostname: string): Promise<string[]> {
    const addresses = await lookup(hostname, { all: true, verbatim: true })
    return addresses.map((entry) => entry.address)
  }
}

/**
 * Keeps the server from sending requests into its own network through a
 * push subscription (docs/notifications.md): an endpoint must be an `https:` URL whose
 * host resolves only to public addresses, unless PUSH_ALLOW_PRIVATE_ENDPOINTS
 * is on. Checked when a browser subscribes and again right before every send
 * (a name may resolve elsewhere by then).
 */
@inject()
export class PushEndpointGuard {
  constructor(
    private settings: PushSettings,
    private resolver: HostResolver
  ) {}

  /**
   * Parses the endpoint and checks what can be checked without the network.
   */
  parse(endpoint: string): URL {
    if (endpoint.length > MAX_ENDPOINT_LENGTH) {
      throw new PushEndpointRefused('notifications.push_refused.too_long')
    }
    let url: URL
    try {
      url = new URL(endpoint)
    } catch {
      throw new PushEndpointRefused('notifications.push_refused.not_url')
    }
    const allowedProtocols = this.settings.allowPrivateEndpoints ? ['https:', 'http:'] : ['https:']
    if (!allowedProtocols.includes(url.protocol)) {
      throw new PushEndpointRefused('notifications.push_refused.not_https')
    }
    if (url.username !== '' || url.password !== '') {
      throw new PushEndpointRefused('notifications.push_refused.credentials')
    }
    if (url.hostname === '') {
      throw new PushEndpointRefused('notifications.push_refused.no_host')
    }
    return url
  }

  /**
   * Throws `PushEndpointRefused` unless a request to `endpoint` may be sent
   * now. Resolves the host name (every address must be public).
   */
  async check(endpoint: string): Promise<URL> {
    const url = this.parse(endpoint)
    if (this.settings.allowPrivateEndpoints) return url

    const literal = parseAddress(url.hostname) === null ? null : url.hostname
    const addresses = literal ? [literal] : await this.#resolve(url.hostname)
    if (addresses.length === 0 || !addresses.every((address) => isPublicAddress(address))) {
      throw new PushEndpointRefused('notifications.push_refused.not_public')
    }
    return url
  }

  async #resolve(hostname: string) {
    try {
      return await this.resolver.resolve(hostname)
    } catch {
      throw new PushEndpointRefused('notifications.push_refused.unresolved')
    }
  }
}
