import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { pageHeaders } from '#config/shield'

/**
 * Adds Referrer-Policy and Permissions-Policy (config/shield.ts) to every
 * answer, error pages included; shield sets the others (CSP, frames, HSTS,
 * sniffing).
 */
export default class PageHeadersMiddleware {
  async handle({ response }: HttpContext, next: NextFn) {
    for (const [name, value] of Object.entries(pageHeaders)) {
      response.header(name, value)
    }
    return next()
  }
}
