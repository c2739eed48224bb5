/** The p-th percentile of `samples` (nearest rank); NaN when there are none. */
export function percentile(samples: number[], p: number) {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** A benchmark's figures under a title, one `label  value` line each, labels aligned. */
export function printReport(title: string, rows: [string, string][]) {
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(`\n${title}`)
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`)
}

/**
 * Votes per choice as stored against as expected: how many are missing
 * (`lost`) and how many are too many (`countedTwice`).
 */
export function tallyDifference(stored: readonly number[], expected: readonly number[]) {
  let lost = 0
  let countedTwice = 0
  expected.forEach((votes, index) => {
    const mine = stored[index] ?? 0
    if (mine < votes) lost += votes - mine
    if (mine > votes) countedTwice += mine - votes
  })
  return { lost, countedTwice }
}
