import { parseArgs } from 'node:util'

/**
 * A benchmark's numeric command-line options (`-- --channels=20`), each
 * falling back to its default.
 */
export function numericOptions<Names extends string>(
  defaults: Record<Names, number>
): Record<Names, number> {
  const names = Object.keys(defaults) as Names[]
  const { values } = parseArgs({
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
  })
  return Object.fromEntries(
    names.map((name) => [name, Number(values[name] ?? defaults[name])])
  ) as Record<Names, number>
}
