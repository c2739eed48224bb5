import { defineConfig } from '@adonisjs/shield'

/**
 * CSRF on every state-changing request. The XSRF-TOKEN cookie is on so page
 * scripts can send `X-XSRF-TOKEN` (push subscriptions, fetch-driven actions).
 */
const shieldConfig = defineConfig({
  csp: {
    enabled: false,
    directives: {},
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    exceptRoutes: [],
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
