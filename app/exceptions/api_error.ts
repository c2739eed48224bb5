import { Exception } from '@adonisjs/core/exceptions'

/**
 * A refusal of the JSON API the client can act on, answered as
 * `{"errors":[{"message","field"?}]}` with its status (docs/api.md).
 */
export class ApiError extends Exception {
  readonly field: string | null

  constructor(message: string, options: { status: number; field?: string }) {
    super(message, { status: options.status, code: 'E_API_ERROR' })
    this.field = options.field ?? null
  }
}
