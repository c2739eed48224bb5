import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import { isPublicAddress } from '#services/push/network_address'

/**
 * Public base URL: the OAuth callback and links in notifications use it.
 */
export const appUrl = (env.get('APP_URL') ?? `http://localhost:${env.get('PORT') ?? 3333}`).replace(
  /\/+$/,
  ''
)

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: false,
  // X-Forwarded-For is believed only from a proxy on a private network or
  // this machine: from anyone else it could be forged to dodge the per-IP
  // sign-in limit (docs/operations.md, "Rate limits").
  trustProxy: (address: string) => !isPublicAddress(address),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
