import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { UnprintableInputException } from '#exceptions/unprintable_input_exception'

/**
 * Refuses any request whose query string, form or JSON body holds a NUL
 * character, with a 422 naming the field. One check for every form and API
 * body: validators never see such text and PostgreSQL never refuses it.
 *
 * Webhooks are left to their handlers (the kernel registers this guard
 * `pageOnly`): a refused delivery is retried by its sender and may end the
 * subscription, so they must accept and clean what they store instead.
 */
export default class NulInputGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const field = fieldWithNul(ctx.request.all())
    if (field !== null) {
      throw new UnprintableInputException(field)
    }
    return next()
  }
}

/**
 * The path of the first string holding `\0` ("name", "choices.1"), or null.
 * Keys are checked too: a key becomes a column name or a message.
 */
export function fieldWithNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') {
    return value.includes('\0') ? path || 'input' : null
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = fieldWithNul(item, join(path, String(index)))
      if (found !== null) return found
    }
    return null
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) return join(path, key.replaceAll('\0', '\\0'))
      const found = fieldWithNul(item, join(path, key))
      if (found !== null) return found
    }
  }
  return null
}

function join(path: string, key: string) {
  return path ? `${path}.${key}` : key
}
