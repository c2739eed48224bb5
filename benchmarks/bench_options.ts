import { parseArgs } from 'node:util'

/**
 * A benchmark's numeric command-line options (`-- --channels=20`), each
 * falling back to its default.
 */
export function numericOptions<Names extends string>(
  defaults: Record<Names, number>
): Record<Names, number> {
  const names = Object.keys(defaults) as Names[]
  // Not strict: a benchmark may take other options too (choiceOption).
  const { values } = parseArgs({
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
    strict: false,
  })
  return Object.fromEntries(
    names.map((name) => [name, Number(values[name] ?? defaults[name])])
  ) as Record<Names, number>
}

/**
 * A command-line option taking one of `allowed` (`-- --transport=conduit`),
 * `fallback` when absent; anything else stops the benchmark, saying why.
 */
export function choiceOption<Choice extends string>(
  name: string,
  allowed: readonly Choice[],
  fallback: Choice
): Choice {
  const { values } = parseArgs({ options: { [name]: { type: 'string' } }, strict: false })
  const value = values[name] ?? fallback
  if (!allowed.includes(value as Choice)) {
    throw new Error(`--${name} must be one of ${allowed.join(', ')}; got ${String(value)}`)
  }
  return value as Choice
}
