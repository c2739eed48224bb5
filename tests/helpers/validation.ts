import type { ApiResponse } from '@japa/api-client'

/**
 * Asserts that a form submission was sent back with `message` for `field`.
 * Validation errors travel in the session's flash messages under
 * `inputErrorsBag` (what Edge's @inputError reads), keyed by field name.
 */
export function assertInputError(response: ApiResponse, field: string, message: string) {
  const bag = response.flashMessage('inputErrorsBag') as Record<string, string[]> | undefined
  response.assert!.include(bag?.[field] ?? [], message)
}
