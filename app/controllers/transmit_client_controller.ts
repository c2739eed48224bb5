import { createRequire } from 'node:module'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Serves the browser build of `@adonisjs/transmit-client` (one
 * self-contained ES module) straight from the installed package: no bundler
 * and no copy in public/. Pages import it from `/vendor/transmit-client.js`.
 * The file is streamed with its ETag; browsers keep it an hour.
 */
export default class TransmitClientController {
  async handle({ response }: HttpContext) {
    const path = createRequire(import.meta.url).resolve('@adonisjs/transmit-client')
    response.header('Cache-Control', 'public, max-age=3600')
    return response.download(path, true)
  }
}
