// Mutation testing, on demand (`npm run test:mutation`, not in CI): see
// scripts/mutation.ts for the files mutated and the tests run against each,
// and docs/operations.md ("Mutation testing") for the scores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  // The tests matching the mutated file (set by scripts/mutation.ts, with
  // their tag when it names one: an empty --tags= selects every test); a
  // failing run (exit code other than 0) kills the mutant.
  // bin/test.ts directly: `node ace test` would regenerate .adonisjs/ for every mutant;
  // --bail stops at the first failing test: that mutant is killed, no need to run the rest.
  commandRunner: {
    command: 'node --import=@poppinss/ts-exec bin/test.ts $MUTATION_SUITE --bail --tags=$MUTATION_TAG --files=$MUTATION_TESTS',
  },
  coverageAnalysis: 'off',
  // One at a time: every run migrates and uses this run's database and Redis.
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'json'],
  tempDirName: 'tmp/stryker',
  cleanTempDir: 'always',
  ignorePatterns: ['tmp', 'build', 'coverage', 'reports'],
}
