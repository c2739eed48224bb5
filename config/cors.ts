import { defineConfig } from '@adonisjs/cors'
import type { HttpContext } from '@adonisjs/core/http'
import { isApiRequest } from '#services/api/api_request'

/**
 * Cross-origin calls are allowed on the JSON API only, from any origin: a
 * VTT such as Foundry runs the macro in a browser page served by another
 * host (docs/api.md). The API is authorized by a bearer token and never by
 * a cookie, so no credentials are allowed. Pages stay same-origin.
 */
const corsConfig = defineConfig({
  enabled: (ctx: HttpContext) => isApiRequest(ctx.request),
  origin: '*',
  methods: ['GET', 'POST'],
  headers: ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key'],
  exposeHeaders: [
    'Retry-After',
    'X-RateLimit-Limit',
    'X-RateLimit-Remaining',
    'X-RateLimit-Reset',
    'Idempotent-Replayed',
  ],
  credentials: false,
  maxAge: 600,
})

export default corsConfig
