/**
 * `npm run test:mutation`: StrykerJS plants small bugs (mutants) one at a
 * time in the files that hold Chorus's sharpest rules and runs the tests
 * that match each file; a mutant the tests do not notice "survives". Prints
 * each file's score (killed / all mutants) and exits 1 under the target.
 * On demand only: slow on two cores. Scores are kept in docs/operations.md.
 * Run it with this run's DB_DATABASE / REDIS_DB / PORT (the tests need them).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const TARGET_SCORE = 90

interface Target {
  file: string
  suite: 'unit' | 'functional'
  tests: string[]
  /** Only the tests of these files carrying this Japa tag (all of them when absent). */
  tag?: string
}

const TARGETS: Target[] = [
  // The token policy: windows, retries, deactivation (docs/token-policy.md).
  {
    file: 'app/services/tokens/token_refresh_policy.ts',
    suite: 'unit',
    tests: ['tests/unit/services/tokens/token_refresh_policy.spec.ts'],
  },
  // EventSub verification: signature, timestamp, message shape.
  {
    file: 'app/services/eventsub/eventsub_message.ts',
    suite: 'unit',
    tests: ['tests/unit/services/eventsub/eventsub_message.spec.ts'],
  },
  // The chat tally in Redis.
  {
    file: 'app/services/chat_votes/chat_vote_tally.ts',
    suite: 'unit',
    tests: ['tests/unit/services/chat_votes/chat_vote_tally.spec.ts'],
  },
  // Ending a run (every way a run ends goes through it): the tests tagged
  // @run_end, i.e. End now, the time up and ended on Twitch, the watcher
  // taking over a dead owner's end. Not the whole polls folder: every mutant
  // would take minutes.
  {
    file: 'app/services/polls/poll_run_closer.ts',
    suite: 'functional',
    tests: [
      'tests/functional/polls/end.spec.ts',
      'tests/functional/polls/lifecycle.spec.ts',
      'tests/functional/polls/results.spec.ts',
      'tests/functional/chat_votes/chat_voting.spec.ts',
    ],
    tag: '@run_end',
  },
]

const only = process.argv.slice(2)
const scores: string[] = []
let missed = false

for (const target of TARGETS) {
  if (only.length > 0 && !only.some((name) => target.file.includes(name))) continue
  if (!existsSync(target.file)) {
    scores.push(`${target.file}: not in this tree, skipped`)
    continue
  }
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', '--mutate', target.file], {
    stdio: 'inherit',
    env: {
      ...process.env,
      MUTATION_SUITE: target.suite,
      MUTATION_TESTS: target.tests.join(' --files='),
      MUTATION_TAG: target.tag ?? '',
    },
  })
  if (run.status !== 0) {
    scores.push(`${target.file}: Stryker failed (exit ${run.status})`)
    missed = true
    continue
  }
  const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>
  }
  const mutants = Object.values(report.files).flatMap((file) => file.mutants)
  const killed = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length
  // Ignored: a `// Stryker disable` comment in the file, which says why (log lines).
  const ignored = mutants.filter((m) => m.status === 'Ignored').length
  const counted = mutants.filter((m) => m.status !== 'CompileError' && m.status !== 'Ignored')
  const score = counted.length === 0 ? 100 : (100 * killed) / counted.length
  if (score < TARGET_SCORE) missed = true
  scores.push(
    `${target.file}: ${score.toFixed(1)} % (${killed} of ${counted.length} mutants killed` +
      (ignored > 0 ? `, ${ignored} ignored` : '') +
      ')'
  )
}

console.log(`\nMutation scores (target ${TARGET_SCORE} %):`)
for (const line of scores) console.log(`  ${line}`)
process.exitCode = missed ? 1 : 0
