import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { respondWithError } from '#exceptions/error_response'

/**
 * A form or JSON body carried a NUL character (`\0`). PostgreSQL cannot
 * store one in text, and no name, title or answer needs one: the request is
 * refused as a whole, before any field is read (see
 * app/middleware/nul_input_guard_middleware.ts).
 */
export class UnprintableInputException extends Exception {
  static status = 422
  static code = 'E_UNPRINTABLE_INPUT'

  /** The message is also `errors.unprocessable.nul`, what the pages and the JSON answer say. */
  constructor(readonly field: string) {
    super(`The field "${field}" contains a NUL character (\\0). Remove it and send the form again.`)
  }

  async handle(error: this, ctx: HttpContext) {
    return respondWithError(ctx, 422, {
      view: 'pages/errors/unprocessable',
      message: { key: 'errors.unprocessable.nul', values: { field: error.field } },
    })
  }
}
