import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { HttpContext } from '@adonisjs/core/http'

let source: Promise<string> | null = null

/**
 * Serves the browser build of `@adonisjs/transmit-client` (one
 * self-contained ES module) straight from the installed package: no bundler
 * and no copy in public/. Pages import it from `/vendor/transmit-client.js`.
 */
export default class TransmitClientController {
  async handle({ response }: HttpContext) {
    source ??= readFile(createRequire(import.meta.url).resolve('@adonisjs/transmit-client'), 'utf8')
    response.header('Content-Type', 'text/javascript; charset=utf-8')
    response.header('Cache-Control', 'public, max-age=3600')
    return response.send(await source)
  }
}
