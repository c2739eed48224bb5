/**
 * Options of a jsonb `@column`: written as JSON text (pg would send a JS
 * array as a PostgreSQL array), read back as pg parsed it.
 */
export function jsonColumn<T>(fallback: T) {
  return {
    prepare: (value: T | null) => (value === null ? null : JSON.stringify(value)),
    consume: (value: unknown) => (value === null || value === undefined ? fallback : (value as T)),
  }
}
