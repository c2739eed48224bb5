import { defineConfig } from '@adonisjs/shield'
import { isOverlaySubscription } from '#middleware/machine_routes'

/**
 * Where pages may load images from besides Chorus itself: Twitch profile
 * pictures (the emulator serves them as data: URLs).
 */
const IMAGE_SOURCES = ['https://static-cdn.jtvnw.net']

/**
 * CSRF on every state-changing request. The XSRF-TOKEN cookie is on so page
 * scripts can send `X-XSRF-TOKEN` (push subscriptions, fetch-driven actions).
 *
 * The Content-Security-Policy lets pages run only Chorus's own scripts and
 * styles (files under public/, or an inline block carrying the request's
 * nonce: `nonce="{{ cspNonce }}"` in Edge). Inline style attributes are not
 * allowed either: widths set at runtime go through scripts
 * (docs/operations.md, "Security headers").
 */
const shieldConfig = defineConfig({
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`, '@nonce'],
      styleSrc: [`'self'`, '@nonce'],
      imgSrc: [`'self'`, 'data:', ...IMAGE_SOURCES],
      connectSrc: [`'self'`],
      fontSrc: [`'self'`],
      objectSrc: [`'none'`],
      baseUri: [`'self'`],
      formAction: [`'self'`],
      frameAncestors: [`'none'`],
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    // An overlay subscribes with its key, never with a cookie (docs/overlay.md)
    exceptRoutes: isOverlaySubscription,
    enableXsrfCookie: true,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: {
    enabled: true,
    action: 'DENY',
  },
  hsts: {
    enabled: true,
    maxAge: '180 days',
  },
  contentTypeSniffing: {
    enabled: true,
  },
})

export default shieldConfig

/**
 * Headers shield does not set, added to every page by
 * app/middleware/page_headers_middleware.ts.
 */
export const pageHeaders = {
  /** Other sites see where a visitor came from, never the path (ids, run numbers). */
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  /**
   * Powerful browser features Chorus never uses, off for every page and frame.
   * Only features Chromium knows: an unknown one logs a warning on every page.
   */
  'Permissions-Policy': [
    'camera=()',
    'microphone=()',
    'geolocation=()',
    'payment=()',
    'usb=()',
    'serial=()',
    'midi=()',
    'magnetometer=()',
    'gyroscope=()',
    'accelerometer=()',
    'display-capture=()',
    'interest-cohort=()',
  ].join(', '),
}
