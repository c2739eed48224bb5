/**
 * What a log line says of something thrown: an Error's message, anything
 * else as text.
 */
export function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : String(error)
}
